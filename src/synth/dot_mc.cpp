#include "synth/dot_mc.h"

#include <cmath>
#include <memory>
#include <stdexcept>

#include "optics/mc.h"
#include "optics/mc_tables.h"

namespace shadecast::synth {
namespace {

namespace mc = optics::mc;

struct BandSetup {
  double mus, mua_e, mua_d, survival;
};

class ProfileConsumer : public mc::WhiteConsumer {
 public:
  ProfileConsumer(const std::vector<BandSetup>& bands, double epidermis_mm, double depth_mm, double radius_mm,
                  const std::vector<double>& rho_mm)
      : bands_(bands), e_(epidermis_mm), z_(depth_mm), r_(radius_mm), rho_(rho_mm),
        sum_(rho_mm.size() * color::kBands, 0.0), sum2_(color::kBands, 0.0), skin_(color::kBands, 0.0) {}

  void Consume(const mc::WhitePath& p) override {
    ++n_;
    if (!p.escaped) return;
    // A direction from the dot's centre to the observation point: golden-angle sequence.
    const double phi = 2.39996322972865332 * static_cast<double>(n_);
    const double ux = std::cos(phi), uy = std::sin(phi);
    const int nv = p.vertices();
    const double xe = p.xyz[3 * (nv - 1)], ye = p.xyz[3 * (nv - 1) + 1];
    for (int k = 0; k < color::kBands; ++k) {
      const BandSetup& b = bands_[static_cast<size_t>(k)];
      const double te = e_ * b.mus, tz = z_ * b.mus, tr2 = r_ * b.mus * r_ * b.mus;
      double above = 0, below = 0;
      cross_.clear();
      const double* v = p.xyz.data();
      for (int i = 0; i + 1 < nv; ++i, v += 3) {
        const double z0 = v[2], z1 = v[5];
        const double dx = v[3] - v[0], dy = v[4] - v[1], dz = z1 - z0;
        const double len = std::sqrt(dx * dx + dy * dy + dz * dz);
        mc::SplitSegment(z0, z1, len, te, &above, &below);
        if ((z0 - tz) * (z1 - tz) < 0) {
          const double t = (tz - z0) / dz;
          cross_.push_back(v[0] + t * dx - xe);
          cross_.push_back(v[1] + t * dy - ye);
        }
      }
      const double w = p.weight * std::exp(-(b.mua_e * above + b.mua_d * below) / b.mus);
      skin_[static_cast<size_t>(k)] += w;
      for (size_t j = 0; j < rho_.size(); ++j) {
        const double ox = rho_[j] * b.mus * ux, oy = rho_[j] * b.mus * uy;
        int n = 0;
        for (size_t c = 0; c < cross_.size(); c += 2) {
          const double qx = cross_[c] + ox, qy = cross_[c + 1] + oy;
          if (qx * qx + qy * qy < tr2) ++n;
        }
        const double wj = n == 0 ? w : w * std::pow(b.survival, n);
        sum_[j * color::kBands + static_cast<size_t>(k)] += wj;
        if (j == 0) sum2_[static_cast<size_t>(k)] += wj * wj;
      }
    }
  }

  void Merge(const mc::WhiteConsumer& other) override {
    const auto& o = static_cast<const ProfileConsumer&>(other);
    n_ += o.n_;
    for (size_t i = 0; i < sum_.size(); ++i) sum_[i] += o.sum_[i];
    for (size_t i = 0; i < sum2_.size(); ++i) sum2_[i] += o.sum2_[i];
    for (size_t i = 0; i < skin_.size(); ++i) skin_[i] += o.skin_[i];
  }

  std::vector<BandSetup> bands_;
  double e_, z_, r_;
  std::vector<double> rho_;
  std::vector<double> sum_, sum2_, skin_;
  std::vector<double> cross_;
  int64_t n_ = 0;
};

}  // namespace

DotProfileMc RenderDotMc(const optics::SkinParams& skin, const optics::BlendKS& blend, double load,
                         const optics::ModelParams& params, const DotMcOptions& options) {
  std::string why;
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  if (!(options.step_mm > 0) || options.photons < 1000)
    throw std::invalid_argument("dot Monte Carlo: step must be > 0 and photons >= 1000");
  const optics::McTables& t = optics::ShippedTables();  // only for its g, n and epidermis: the physics setup
  const optics::BandInputs in = optics::SkinBandInputs(skin, params);
  const color::Spectral36 surv = optics::InkSurvival(blend, load, params);
  std::vector<BandSetup> bands;
  for (int k = 0; k < color::kBands; ++k) bands.push_back({in.mus[k], in.mua_epidermis[k], in.mua_dermis[k], surv[k]});
  const double radius = 0.5 * params.dot_diameter_mm;
  const double extent = options.extent_mm > 0 ? options.extent_mm : radius + 0.6;
  std::vector<double> rho;
  for (double r = 0; r <= extent + 1e-9; r += options.step_mm) rho.push_back(r);

  mc::Options mo;
  mo.photons = options.photons;
  mo.seed = options.seed;
  mo.threads = options.threads;
  mo.n_tissue = t.n_tissue;
  mo.max_path_mfp = t.max_path_mfp > 0 ? t.max_path_mfp : 20000;
  const std::vector<mc::Layer> white{{0.0, 1.0, t.g, mc::kInfinite}};
  std::unique_ptr<mc::WhiteConsumer> merged;
  mc::RunWhite(
      white, mc::Beam{}, mo,
      [&] { return std::make_unique<ProfileConsumer>(bands, t.epidermis_mm, params.depth_mm, radius, rho); },
      &merged);
  const auto& acc = static_cast<const ProfileConsumer&>(*merged);
  const double n = static_cast<double>(options.photons);
  DotProfileMc out;
  out.step_mm = options.step_mm;
  out.photons = options.photons;
  out.profile.resize(rho.size());
  for (size_t j = 0; j < rho.size(); ++j)
    for (int k = 0; k < color::kBands; ++k) out.profile[j][k] = acc.sum_[j * color::kBands + k] / n;
  for (int k = 0; k < color::kBands; ++k) {
    out.skin[k] = acc.skin_[k] / n;
    const double m = out.profile[0][k];
    const double se = std::sqrt(std::max(0.0, acc.sum2_[k] / n - m * m) / n);
    if (m > 0) out.max_relative_se = std::max(out.max_relative_se, se / m);
  }
  return out;
}

}  // namespace shadecast::synth
