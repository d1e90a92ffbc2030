#include "calib/icc_profile.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "calib/linearize.h"
#include "color/lab.h"
#include "color/lcms_raii.h"

namespace shadecast::calib {
namespace {

namespace lc = color::lcms;

constexpr int kCurvePoints = 4096;

cmsUInt16Number To16(double v) { return static_cast<cmsUInt16Number>(std::lround(std::clamp(v, 0.0, 1.0) * 65535.0)); }

// Linearisation of channel c scaled so that device 1.0 maps to 1 (a tone curve must stay in 0-1).
double LinearAtOne(const ProfileTransform& t, int c) {
  return Linearize(t.linearization(), t.linearization_params(), c, 1.0);
}

lc::ToneCurvePtr LinearizationCurve(cmsContext ctx, const ProfileTransform& t, int c) {
  switch (t.linearization()) {
    case Linearization::kNone:
      return lc::ToneCurvePtr(cmsBuildGamma(ctx, 1.0));
    case Linearization::kSrgb: {
      const cmsFloat64Number p[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
      return lc::ToneCurvePtr(cmsBuildParametricToneCurve(ctx, 4, p));
    }
    case Linearization::kGamma:
      return lc::ToneCurvePtr(cmsBuildGamma(ctx, t.linearization_params()[c]));
    case Linearization::kCurve: {
      std::vector<cmsUInt16Number> v(kCurvePoints);
      const double top = LinearAtOne(t, c);
      for (int i = 0; i < kCurvePoints; ++i)
        v[i] = To16(Linearize(t.linearization(), t.linearization_params(), c, i / (kCurvePoints - 1.0)) / top);
      return lc::ToneCurvePtr(cmsBuildTabulatedToneCurve16(ctx, kCurvePoints, v.data()));
    }
  }
  return nullptr;
}

struct ClutCargo {
  const ProfileTransform* t;
  double top[3];
  bool v2 = false;
};

// CLUT sampler: shaped input s -> linear x = s^3 * top -> model -> L*a*b* (v4 16-bit encoding).
int SampleClut(const cmsUInt16Number in[], cmsUInt16Number out[], void* cargo) {
  const auto* c = static_cast<const ClutCargo*>(cargo);
  Rgb n;
  for (int k = 0; k < 3; ++k) {
    const double s = in[k] / 65535.0;
    n[k] = c->t->exposure() * s * s * s * c->top[k];
  }
  // No clamping of XYZ: L*a*b*'s linear segment continues below zero, so near-black device
  // colours the model maps just outside the spectrum locus stay continuous.
  const color::Xyz xyz = c->t->NormalisedToXyz(n);
  const color::Lab lab = color::XyzToLab(xyz, color::kIccD50White);
  const cmsCIELab l{std::clamp(lab[0], 0.0, 100.0), std::clamp(lab[1], -128.0, 127.0), std::clamp(lab[2], -128.0, 127.0)};
  if (c->v2)
    cmsFloat2LabEncodedV2(out, &l);
  else
    cmsFloat2LabEncoded(out, &l);
  return 1;
}

void WriteText(const lc::Context& ctx, cmsHPROFILE h, cmsTagSignature sig, const std::string& text) {
  cmsMLU* mlu = cmsMLUalloc(ctx.get(), 1);
  ctx.Check(mlu && cmsMLUsetASCII(mlu, "en", "US", text.c_str()), "cannot build a text tag");
  const bool ok = cmsWriteTag(h, sig, mlu);
  cmsMLUfree(mlu);
  ctx.Check(ok, "cannot write a text tag");
}

}  // namespace

bool IccOptions::IsValid(std::string* m) const {
  if (clut_points < 9 || clut_points > 65) return *m = "clut_points must be within 9-65", false;
  if (version != 4.3 && version != 2.4) return *m = "version must be 4.3 or 2.4", false;
  return true;
}

std::string IccProfileBytes(const pb::CameraProfile& profile, const IccOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("ICC options: " + why);
  const ProfileTransform t(profile);
  const Model model = ModelFromProto(profile.model());
  lc::Context ctx;
  lc::ProfilePtr h(cmsCreateProfilePlaceholder(ctx.get()));
  ctx.Check(h != nullptr, "cannot create a profile");
  cmsSetProfileVersion(h.get(), o.version);
  cmsSetDeviceClass(h.get(), cmsSigInputClass);
  cmsSetColorSpace(h.get(), cmsSigRgbData);
  cmsSetHeaderRenderingIntent(h.get(), INTENT_RELATIVE_COLORIMETRIC);
  WriteText(ctx, h.get(), cmsSigProfileDescriptionTag,
            o.description.empty() ? "shadecast " + ModelToString(model) + " camera profile" : o.description);
  WriteText(ctx, h.get(), cmsSigCopyrightTag, o.copyright);
  ctx.Check(cmsWriteTag(h.get(), cmsSigMediaWhitePointTag, cmsD50_XYZ()), "cannot write the white point");

  const double top[3] = {LinearAtOne(t, 0), LinearAtOne(t, 1), LinearAtOne(t, 2)};
  if (t.n_terms() == 3) {
    cmsSetPCS(h.get(), cmsSigXYZData);
    const cmsTagSignature colorant[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
    const cmsTagSignature trc[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
    for (int j = 0; j < 3; ++j) {
      const auto& c = t.coefficients();
      const double s = t.exposure() * top[j];
      const cmsCIEXYZ xyz{c[0 * 3 + j] * s, c[1 * 3 + j] * s, c[2 * 3 + j] * s};
      ctx.Check(cmsWriteTag(h.get(), colorant[j], &xyz), "cannot write a colorant");
      lc::ToneCurvePtr curve = LinearizationCurve(ctx.get(), t, j);
      ctx.Check(curve && cmsWriteTag(h.get(), trc[j], curve.get()), "cannot write a TRC");
    }
  } else {
    cmsSetPCS(h.get(), cmsSigLabData);
    lc::PipelinePtr lut(cmsPipelineAlloc(ctx.get(), 3, 3));
    ctx.Check(lut != nullptr, "cannot allocate the AToB0 pipeline");
    // A curves: linearisation / top, then the cube-root shaper.
    std::vector<lc::ToneCurvePtr> a;
    for (int c = 0; c < 3; ++c) {
      // 16-bit tables: the 'curv' type a lutAtoBType stores (float curves are multi-segment).
      std::vector<cmsUInt16Number> v(kCurvePoints);
      for (int i = 0; i < kCurvePoints; ++i) {
        const double x = Linearize(t.linearization(), t.linearization_params(), c, i / (kCurvePoints - 1.0)) / top[c];
        v[i] = To16(std::cbrt(std::clamp(x, 0.0, 1.0)));
      }
      a.emplace_back(cmsBuildTabulatedToneCurve16(ctx.get(), kCurvePoints, v.data()));
      ctx.Check(a.back() != nullptr, "cannot build an A curve");
    }
    cmsToneCurve* ap[3] = {a[0].get(), a[1].get(), a[2].get()};
    ctx.Check(cmsPipelineInsertStage(lut.get(), cmsAT_END, cmsStageAllocToneCurves(ctx.get(), 3, ap)),
              "cannot add the A curves");
    cmsStage* clut = cmsStageAllocCLut16bit(ctx.get(), o.clut_points, 3, 3, nullptr);
    ctx.Check(clut != nullptr, "cannot allocate the CLUT");
    ClutCargo cargo{&t, {top[0], top[1], top[2]}, o.version < 4};
    ctx.Check(cmsStageSampleCLut16bit(clut, SampleClut, &cargo, 0), "cannot sample the CLUT");
    ctx.Check(cmsPipelineInsertStage(lut.get(), cmsAT_END, clut), "cannot add the CLUT");
    ctx.Check(cmsPipelineInsertStage(lut.get(), cmsAT_END, cmsStageAllocToneCurves(ctx.get(), 3, nullptr)),
              "cannot add the B curves");
    ctx.Check(cmsWriteTag(h.get(), cmsSigAToB0Tag, lut.get()), "cannot write AToB0");
  }
  cmsUInt32Number size = 0;
  ctx.Check(cmsSaveProfileToMem(h.get(), nullptr, &size) && size > 0, "cannot size the profile");
  std::string bytes(size, '\0');
  ctx.Check(cmsSaveProfileToMem(h.get(), bytes.data(), &size), "cannot serialise the profile");
  bytes.resize(size);
  return bytes;
}

std::vector<color::Lab> ApplyIcc(const std::string& icc, const std::vector<Rgb>& device) {
  lc::Context ctx;
  lc::ProfilePtr in(cmsOpenProfileFromMemTHR(ctx.get(), icc.data(), static_cast<cmsUInt32Number>(icc.size())));
  ctx.Check(in != nullptr, "cannot open the ICC profile");
  lc::ProfilePtr lab(cmsCreateLab4ProfileTHR(ctx.get(), cmsD50_xyY()));
  lc::TransformPtr xf(cmsCreateTransformTHR(ctx.get(), in.get(), TYPE_RGB_DBL, lab.get(), TYPE_Lab_DBL,
                                            INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOOPTIMIZE | cmsFLAGS_NOCACHE));
  ctx.Check(xf != nullptr, "cannot create the profile -> L*a*b* transform");
  std::vector<double> src;
  for (const Rgb& d : device) src.insert(src.end(), d.begin(), d.end());
  std::vector<cmsCIELab> dst(device.size());
  cmsDoTransform(xf.get(), src.data(), dst.data(), static_cast<cmsUInt32Number>(device.size()));
  std::vector<color::Lab> out;
  for (const auto& l : dst) out.push_back({l.L, l.a, l.b});
  return out;
}

}  // namespace shadecast::calib
