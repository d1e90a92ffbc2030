#include "color/icc.h"

#include "color/lcms_raii.h"

namespace shadecast::color {

double LcmsDeltaE00(const Lab& lab1, const Lab& lab2) {
  const cmsCIELab a{lab1[0], lab1[1], lab1[2]};
  const cmsCIELab b{lab2[0], lab2[1], lab2[2]};
  return cmsCIE2000DeltaE(&a, &b, 1.0, 1.0, 1.0);
}

std::array<uint8_t, 3> LabToSrgb8(const Lab& lab_d50) {
  lcms::Context ctx;
  lcms::ProfilePtr lab(cmsCreateLab4ProfileTHR(ctx.get(), cmsD50_xyY()));
  lcms::ProfilePtr srgb(cmsCreate_sRGBProfileTHR(ctx.get()));
  ctx.Check(lab && srgb, "cannot create the Lab and sRGB profiles");
  lcms::TransformPtr xf(cmsCreateTransformTHR(ctx.get(), lab.get(), TYPE_Lab_DBL, srgb.get(), TYPE_RGB_8,
                                              INTENT_RELATIVE_COLORIMETRIC, 0));
  ctx.Check(xf != nullptr, "cannot create the Lab -> sRGB transform");
  const cmsCIELab in{lab_d50[0], lab_d50[1], lab_d50[2]};
  std::array<uint8_t, 3> out{};
  cmsDoTransform(xf.get(), &in, out.data(), 1);
  return out;
}

}  // namespace shadecast::color
