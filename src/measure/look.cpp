#include "measure/look.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "color/ciede2000.h"
#include "color/appearance_pb.h"
#include "color/lab.h"
#include "measure/measure.h"

namespace shadecast::measure {
namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  const double t = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - t) + v[i + 1] * t : v[i];
}

long long Overlap(const RectI& a, const RectI& b) {
  const int w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const int h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? static_cast<long long>(w) * h : 0;
}

// The region's pixels as XYZ, hair shafts replaced by the skin. Returns the replaced share.
double FillPlanes(const LookStepInputs& in, const LookStepOptions& o, const RectI& g, const std::vector<size_t>& near_idx,
                  color::XyzPlanes* planes) {
  const double skin_l = color::XyzToLab(in.skin, color::kIccD50White)[0];
  const double y_dark = color::LabToXyz(color::Lab{skin_l - o.hair_delta_l, 0, 0}, color::kIccD50White)[1];
  // Pixels near an accepted blob are never replaced: a stamp of the blobs' discs.
  std::vector<uint8_t> keep(static_cast<size_t>(g.w) * g.h, 0);
  for (size_t k : near_idx) {
    const double r = o.blob_clearance * in.radii_px[k] + 2.0;
    const double cx = in.centres[k][0] - g.x, cy = in.centres[k][1] - g.y;
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - r))), x1 = std::min(g.w - 1, static_cast<int>(std::ceil(cx + r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - r))), y1 = std::min(g.h - 1, static_cast<int>(std::ceil(cy + r)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) keep[static_cast<size_t>(y) * g.w + x] = 1;
  }
  size_t replaced = 0;
  const ImageF& img = *in.rgb;
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      const size_t p = static_cast<size_t>(y) * g.w + x;
      color::Xyz v = in.to_xyz(img.data.data() + (static_cast<size_t>(g.y + y) * img.width + g.x + x) * 3);
      if (!keep[p] && v[1] < y_dark) {
        v = in.skin;
        ++replaced;
      }
      for (int c = 0; c < 3; ++c) planes->c[c][p] = static_cast<float>(v[c]);
    }
  return static_cast<double>(replaced) / (static_cast<double>(g.w) * g.h);
}

// Standard error of the regional colour from its four quarters (each filtered on its own).
double QuarterUncertainty(const color::XyzPlanes& planes, const LookStepInputs& in, const LookStepOptions& o,
                          const color::Lab& whole) {
  const int hw = planes.width / 2, hh = planes.height / 2;
  const double min_side_px = 4.0 * planes.px_per_mm_x;  // quarters smaller than 4 mm say nothing
  if (hw < min_side_px || hh < min_side_px) return 0;
  double ss = 0;
  for (int q = 0; q < 4; ++q) {
    const int x0 = (q % 2) * hw, y0 = (q / 2) * hh;
    color::XyzPlanes part(hw, hh, planes.px_per_mm_x, planes.px_per_mm_y);
    for (int y = 0; y < hh; ++y)
      for (int c = 0; c < 3; ++c)
        std::copy_n(planes.c[c].begin() + static_cast<size_t>(y0 + y) * planes.width + x0, hw,
                    part.c[c].begin() + static_cast<size_t>(y) * hw);
    const color::RegionalAppearance r =
        color::ComputeRegionalAppearance(part, in.skin, in.camera_sigma_px, color::EdgeMode::kReflect, o.viewing);
    const double d = color::DeltaE00(r.lab, whole);
    ss += d * d;
  }
  return std::sqrt(ss / 3.0) / 2.0;  // sample sd over the quarters / sqrt(4)
}

}  // namespace

LookStepResult MeasureLook(const LookStepInputs& in, const LookStepOptions& o) {
  if (in.rgb == nullptr || !in.to_xyz) throw std::invalid_argument("look: no photo");
  if (!(in.px_per_mm > 0)) throw std::invalid_argument("look: no scale");
  if (in.centres.size() != in.radii_px.size()) throw std::invalid_argument("look: centres and radii differ in number");
  LookStepResult r;
  RectI g = in.exclude ? LargestRectBeside(in.roi, *in.exclude) : in.roi;
  g = CapCentred(g, static_cast<int>(std::lround(o.viewing.max_region_side_mm * in.px_per_mm)));
  if (g.w < 8 || g.h < 8) throw std::invalid_argument("look: the chart leaves no skin region in the photo");
  r.region = g;

  std::vector<size_t> near_idx;  // blobs whose discs may reach into the region
  for (size_t k = 0; k < in.centres.size(); ++k) {
    const double m = o.blob_clearance * in.radii_px[k] + 2.0;
    if (in.centres[k][0] > g.x - m && in.centres[k][0] < g.x + g.w + m && in.centres[k][1] > g.y - m &&
        in.centres[k][1] < g.y + g.h + m)
      near_idx.push_back(k);
  }
  color::XyzPlanes planes(g.w, g.h, in.px_per_mm, in.px_per_mm);
  r.replaced_share = FillPlanes(in, o, g, near_idx, &planes);

  color::AppearanceInputs ai;
  ai.image = &planes;
  ai.skin = in.skin;
  ai.camera_sigma_px = in.camera_sigma_px;
  std::vector<double> diam;
  for (size_t k = 0; k < in.centres.size(); ++k) {
    diam.push_back(2.0 * in.radii_px[k] / in.px_per_mm);
    if (g.Contains(in.centres[k][0], in.centres[k][1])) ai.centres.push_back({in.centres[k][0] - g.x, in.centres[k][1] - g.y});
  }
  r.features = static_cast<int>(ai.centres.size());
  r.look = color::ComputeAppearance(ai, o.viewing);
  r.regional_uncertainty_de00 = QuarterUncertainty(planes, in, o, r.look.regional.lab);
  r.diameter_mm_quantiles = {Quantile(diam, 0.1), Quantile(diam, 0.5), Quantile(diam, 0.9)};
  const long long area_px = in.roi.area() - (in.exclude ? Overlap(in.roi, *in.exclude) : 0);
  if (area_px > 0) r.density_per_cm2 = in.centres.size() / (area_px / (in.px_per_mm * in.px_per_mm) / 100.0);
  return r;
}

LookStepResult AddLook(const LookContext& c, const std::vector<Blob>& blobs, const LookStepOptions& options,
                       pb::BlobSet* set) {
  LookStepInputs in;
  in.rgb = c.rgb;
  in.to_xyz = c.to_xyz;
  in.roi = c.roi;
  in.exclude = c.chart_box;
  for (const Blob& b : blobs)
    if (b.accepted) {
      in.centres.push_back({b.x, b.y});
      in.radii_px.push_back(b.radius_px);
    }
  in.skin = c.skin;
  in.camera_sigma_px = c.camera_sigma_px;
  in.px_per_mm = c.px_per_mm;
  LookStepResult r;
  try {
    r = MeasureLook(in, options);
  } catch (const std::invalid_argument&) {
    return r;  // no region: nothing to report
  }
  if (r.features > 0) color::AppearanceToPb(r.look, options.viewing, set->mutable_near(), set->mutable_regional());
  else color::AppearanceToPb(r.look, options.viewing, set->mutable_near(), set->mutable_regional()), set->clear_near();
  set->mutable_regional()->set_uncertainty_de00(r.regional_uncertainty_de00);
  set->set_density_per_cm2(r.density_per_cm2);
  set->clear_diameter_mm_quantiles();
  for (double d : r.diameter_mm_quantiles) set->add_diameter_mm_quantiles(d);
  set->clear_look_region();
  for (int v : {r.region.x, r.region.y, r.region.w, r.region.h}) set->add_look_region(v);
  return r;
}

}  // namespace shadecast::measure
