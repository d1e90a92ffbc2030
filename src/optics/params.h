#pragma once
// Parameters of the skin-pigment optics model (Monte Carlo tables, docs/optics.md). Every field has a
// documented default and its source; `optics calibrate` refits scattering, depth and the inks' sieve
// constants from a clinic's outcomes.
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
  // Volume fraction of melanin in the dermis; < 0: ModelParams::dermal_melanin_ratio x melanin.
  // The skin fit estimates it per person (pigmented skin carries melanin below the epidermis).
  double dermal_melanin = -1.0;
};

struct ModelParams {
  // Epidermis thickness: the Monte Carlo tables are made for one value (McTables::epidermis_mm,
  // 0.06 mm: Jacques 2013's 60 um; scalp epidermis 0.05-0.1 mm). Another value is refused.
  double epidermis_mm = 0.06;
  // Dermal reduced scattering mu_s' = a (lambda/500 nm)^-b. Jacques 2013 skin average:
  // a = 46 cm^-1, b = 1.42 (the phase function's g = 0.8 is the tables').
  double scattering_a_per_cm = 46.0;
  double scattering_b = 1.42;
  // Depth of the healed ink below the skin surface. Anatomical: SMP places pigment in the upper
  // (papillary) dermis just under the epidermis (Rassman et al. 2015, J Clin Aesthet Dermatol 8(3):35,
  // limit needle depth to the upper dermis); 0.1 mm is 40 um below a 60 um epidermis. Tabulated
  // range 0.04-0.32 mm.
  double depth_mm = 0.10;
  // Pigment load of undiluted ink: the concentration of ink relative to undiluted (1 = as shipped,
  // 1/21 = 1 ml ink + 20 ml water).
  double load = 1.0;
  // Diameter of one healed dot (SMP impressions are 0.3-1 mm; tabulated 0.15-1.3 mm).
  double dot_diameter_mm = 0.5;
  // Dermal blood oxygen saturation (Jacques 2013: ~0.75 for skin).
  double oxygen_saturation = 0.75;
  // Share of pheomelanin in epidermal melanin (Donner & Jensen 2006 blend).
  double pheomelanin_fraction = 0.1;
  // Multiplies every ink's sieve constant (how much areal fill a unit of ink makes); fitted by
  // `optics calibrate` from a clinic's healed outcomes. 1 = the library's defaults.
  double sieve_scale = 1.0;
  // Melanin in the dermis as a share of the epidermis's volume fraction (melanophages and melanin
  // "dust" below the epidermis of pigmented skin). 0.05 was CHOSEN on measured skins (the ISSA
  // archive's medians per ITA, specular removed; docs/optics.md "Skin inversion"): with melanin only
  // in a 60 um epidermis, dark skins come out far too saturated. Figures on skins it was not chosen on
  // are in docs/optics.md.
  double dermal_melanin_ratio = 0.05;
  // Per-pigment strength multipliers (id -> scale on its sieve constant), fitted by `optics
  // calibrate`; absent = 1.
  std::map<std::string, double> pigment_scale;

  // Fields of the retired two-flux model: still read from and written to parameter files so old
  // files load, but the Monte Carlo model does not use them (docs/optics.md).
  double epidermis_absorption_factor = 1.0;
  double epidermis_scattering_factor = 1.0;
  double saunderson_k1 = 0.028;
  double saunderson_k2 = 0.4;
  double pigment_layer_mm = 0.05;
  double pigment_unit_per_mm = 300.0;
  double transport_mfp_mm = 0.2;
  double yule_nielsen_n = 1.0;

  // Empty when valid; otherwise says which field is wrong and why.
  bool IsValid(std::string* why) const;
  double PigmentScale(const std::string& id) const;
};

// Parameters <-> protobuf (absent optional fields keep the defaults above).
ModelParams FromProto(const pb::OpticsParams& p);
void ToProto(const ModelParams& m, pb::OpticsParams* p);

// One pigment as the optics sees it, on the 36-band grid. In skin an ink is clusters (docs/optics.md):
// `sieve_k` is how much areal fill a unit of it makes (f = 1 - exp(-sieve_k c) at concentration c
// relative to undiluted), `cluster_absorptance` the share of the light meeting a cluster that the
// cluster absorbs (1 = opaque black). k and s are the Kubelka-Munk constants of a drawdown (library
// units) from characterisation; where a pigment has no cluster data its absorptance is derived from
// them (1 - R_infinity).
struct PigmentKS {
  std::string id;
  color::Spectral36 k{};
  color::Spectral36 s{};
  color::Spectral36 cluster_absorptance = UnitSpectrum();
  double sieve_k = 8.0;
  static color::Spectral36 UnitSpectrum() {
    color::Spectral36 u{};
    u.fill(1.0);
    return u;
  }
};

// One component of a blend: a pigment and its share of the mix (shares sum to 1).
struct BlendComponent {
  const PigmentKS* pigment = nullptr;  // borrowed: the library outlives the blend
  double fraction = 0.0;
};
using Blend = std::vector<BlendComponent>;

}  // namespace shadecast::optics
