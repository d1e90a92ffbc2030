#pragma once
// Parameters of the skin-pigment optics model. Every field has a documented default and its source.
// Defaults marked "effective" are fitted quantities, not anatomy: the model's depth and scattering are
// chosen so healed dots read as clinics see them (design.md section 5), and `optics calibrate` refits
// them from a clinic's outcomes.
#include <map>
#include <string>
#include <vector>

#include "color/spectrum.h"

namespace shadecast::pb {
class OpticsParams;
}

namespace shadecast::optics {

// The client's skin: what `optics fit-skin` estimates from a measured skin colour.
struct SkinParams {
  // Volume fraction of melanosomes in the epidermis. Light skin ~0.01-0.05, dark skin 0.2-0.45
  // (Jacques 2013, Phys Med Biol 58:R37, table of f_mel).
  double melanin = 0.03;
  // Volume fraction of whole blood in the dermis, ~0.002-0.07 (Jacques 2013); 0.01 gives the a* of
  // light skin (~12) with the other defaults.
  double blood = 0.01;
  // Multiplies the dermal reduced scattering (person-to-person variation, ~0.6-1.6).
  double scattering_scale = 1.0;
};

struct ModelParams {
  // Epidermis thickness. Scalp epidermis is ~0.05-0.1 mm; 0.08 mm (Jacques 2013 uses 0.06-0.1).
  double epidermis_mm = 0.08;
  // Dermal reduced scattering mu_s' = a (lambda/500 nm)^-b. Jacques 2013 skin average:
  // a = 46 cm^-1, b = 1.42.
  double scattering_a_per_cm = 46.0;
  double scattering_b = 1.42;
  // K of the epidermis = this x mu_a. Two-flux theory says 2 (diffuse light), but the thin, weakly
  // scattering epidermis is crossed nearly straight, once down and once up; with 2 the model makes
  // dark skin far darker and more saturated than measured skin (L* 18 at melanin 0.3). Effective.
  double epidermis_absorption_factor = 1.0;
  // Multiplies the scattering of the epidermis (1 = the dermis's). Less epidermal scattering makes
  // dots darker but skin too saturated: at 0.5 typical measured skins (e.g. L*a*b* 52, 12, 20 or
  // 45, 11, 19) fall outside the model. Kept as a calibratable knob.
  double epidermis_scattering_factor = 1.0;
  // Saunderson surface terms. k1: external (specular) reflectance for n = 1.4, ((n-1)/(n+1))^2 =
  // 0.028; the photo geometry (45/0 or cross-polarised) excludes the specular part, so only the
  // (1 - k1) entrance loss is applied. k2: internal diffuse reflectance, 0.4-0.6 (design.md); 0.4
  // puts light skin (melanin 0.03) at L* ~62.
  double saunderson_k1 = 0.028;
  double saunderson_k2 = 0.4;
  // Effective depth of the top of the pigment layer below the surface (>= epidermis_mm). Effective:
  // healed SMP pigment sits in dense aggregates in the papillary dermis and a textbook-scattering
  // sheet 0.3 mm down is only ~6 L* darker than skin, so the default is shallow.
  double depth_mm = 0.10;
  // Thickness of the pigment-bearing layer. Effective.
  double pigment_layer_mm = 0.05;
  // Pigment load of undiluted ink (multiplies every component's K and S). 1 = the ink as shipped.
  double load = 1.0;
  // Converts the library's relative K, S (Berns units, S of TiO2 = 1) to mm^-1 at load 1. Effective.
  double pigment_unit_per_mm = 300.0;
  // Transport mean free path 1/mu_s' of dermis, 0.2-0.5 mm (design.md); sets the lateral spread.
  double transport_mfp_mm = 0.2;
  // Diameter of one healed dot (SMP impressions are 0.3-1 mm).
  double dot_diameter_mm = 0.5;
  // Yule-Nielsen n for mixing the dot core with the surrounding skin (1 = linear mixing).
  double yule_nielsen_n = 1.0;
  // Dermal blood oxygen saturation (Jacques 2013: ~0.75 for skin).
  double oxygen_saturation = 0.75;
  // Share of pheomelanin in epidermal melanin (Donner & Jensen 2006 blend). 0.1: more makes the
  // model's skins yellower than measured skins of the same lightness.
  double pheomelanin_fraction = 0.1;
  // Per-pigment strength multipliers (id -> scale), fitted by `optics calibrate`; absent = 1.
  std::map<std::string, double> pigment_scale;

  // Empty when valid; otherwise says which field is wrong and why.
  bool IsValid(std::string* why) const;
  double PigmentScale(const std::string& id) const;
};

// Parameters <-> protobuf (absent optional fields keep the defaults above).
ModelParams FromProto(const pb::OpticsParams& p);
void ToProto(const ModelParams& m, pb::OpticsParams* p);

// Spectral K and S of one pigment per unit load, on the 36-band grid, in library units.
struct PigmentKS {
  std::string id;
  color::Spectral36 k{};
  color::Spectral36 s{};
};

// One component of a blend: a pigment and its share of the mix (shares sum to 1).
struct BlendComponent {
  const PigmentKS* pigment = nullptr;  // borrowed: the library outlives the blend
  double fraction = 0.0;
};
using Blend = std::vector<BlendComponent>;

}  // namespace shadecast::optics
