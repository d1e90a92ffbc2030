#include "color/skin_tone.h"

#include <cmath>

#include "color/adapt.h"
#include "color/lab.h"

namespace shadecast::color {

double HueDeg(const Lab& lab) { return LabToLch(lab)[2]; }
double Chroma(const Lab& lab) { return std::hypot(lab[1], lab[2]); }

double ItaDeg(const Lab& lab) {
  if (lab[2] == 0.0) return lab[0] >= 50.0 ? 90.0 : -90.0;
  return std::atan((lab[0] - 50.0) / lab[2]) * 180.0 / M_PI;
}

std::string ItaCategory(double ita) {
  if (ita > 55) return "very_light";
  if (ita > 41) return "light";
  if (ita > 28) return "intermediate";
  if (ita > 10) return "tan";
  if (ita > -30) return "brown";
  return "dark";
}

Lab D50ToD65Lab(const Lab& lab_d50) {
  constexpr Xyz kD65{0.95047, 1.0, 1.08883};
  const Xyz xyz = LabToXyz(lab_d50, kIccD50White);
  return XyzToLab(BradfordAdapt(xyz, kIccD50White, kD65), kD65);
}

}  // namespace shadecast::color
