#include "optics/params.h"

#include <cmath>

#include "optics/mc_tables.h"
#include "shadecast/optics.pb.h"

namespace shadecast::optics {
namespace {
bool Check(bool ok, const char* field, const char* rule, double v, std::string* why) {
  if (ok) return true;
  if (why) *why = std::string(field) + " = " + std::to_string(v) + ": " + rule;
  return false;
}
}  // namespace

bool ModelParams::IsValid(std::string* why) const {
  auto finite = [](double v) { return std::isfinite(v); };
  const McTables& t = ShippedTables();
  const double zlo = t.axes.depth_mm.front(), zhi = t.axes.depth_mm.back();
  const double dlo = t.axes.diameter_mm.front(), dhi = t.axes.diameter_mm.back();
  if (!(std::abs(epidermis_mm - t.epidermis_mm) < 1e-9)) {
    if (why)
      *why = "epidermis_mm = " + std::to_string(epidermis_mm) + ": the Monte Carlo tables are made for " +
             std::to_string(t.epidermis_mm) + " mm (regenerate them with `shadecast optics tabulate` for another)";
    return false;
  }
  return Check(finite(scattering_a_per_cm) && scattering_a_per_cm > 0, "scattering_a_per_cm", "must be > 0", scattering_a_per_cm, why) &&
         Check(finite(scattering_b) && scattering_b >= 0 && scattering_b < 5, "scattering_b", "must be in [0, 5)", scattering_b, why) &&
         Check(finite(depth_mm) && depth_mm >= zlo * 0.999 && depth_mm <= zhi * 1.001, "depth_mm", "must be within the tabulated 0.04-0.32 mm", depth_mm, why) &&
         Check(finite(load) && load >= 0, "load", "must be >= 0", load, why) &&
         Check(finite(dot_diameter_mm) && dot_diameter_mm >= dlo * 0.999 && dot_diameter_mm <= dhi * 1.001, "dot_diameter_mm", "must be within the tabulated 0.15-1.3 mm", dot_diameter_mm, why) &&
         Check(oxygen_saturation >= 0 && oxygen_saturation <= 1, "oxygen_saturation", "must be in [0, 1]", oxygen_saturation, why) &&
         Check(pheomelanin_fraction >= 0 && pheomelanin_fraction <= 1, "pheomelanin_fraction", "must be in [0, 1]", pheomelanin_fraction, why) &&
         Check(finite(sieve_scale) && sieve_scale > 0 && sieve_scale < 100, "sieve_scale", "must be in (0, 100)", sieve_scale, why) &&
         Check(finite(dermal_melanin_ratio) && dermal_melanin_ratio >= 0 && dermal_melanin_ratio <= 0.5, "dermal_melanin_ratio", "must be in [0, 0.5]", dermal_melanin_ratio, why);
}

double ModelParams::PigmentScale(const std::string& id) const {
  auto it = pigment_scale.find(id);
  return it == pigment_scale.end() ? 1.0 : it->second;
}

ModelParams FromProto(const pb::OpticsParams& p) {
  ModelParams m;
  if (p.has_epidermis_thickness_mm()) m.epidermis_mm = p.epidermis_thickness_mm();
  if (p.has_scattering_a_per_cm()) m.scattering_a_per_cm = p.scattering_a_per_cm();
  if (p.has_scattering_b()) m.scattering_b = p.scattering_b();
  if (p.has_epidermis_scattering_factor()) m.epidermis_scattering_factor = p.epidermis_scattering_factor();
  if (p.has_epidermis_absorption_factor()) m.epidermis_absorption_factor = p.epidermis_absorption_factor();
  if (p.has_saunderson_k1()) m.saunderson_k1 = p.saunderson_k1();
  if (p.has_saunderson_k2()) m.saunderson_k2 = p.saunderson_k2();
  if (p.has_depth_mm()) m.depth_mm = p.depth_mm();
  if (p.has_pigment_layer_mm()) m.pigment_layer_mm = p.pigment_layer_mm();
  if (p.has_load()) m.load = p.load();
  if (p.has_pigment_unit_per_mm()) m.pigment_unit_per_mm = p.pigment_unit_per_mm();
  if (p.has_transport_mfp_mm()) m.transport_mfp_mm = p.transport_mfp_mm();
  if (p.has_dot_diameter_mm()) m.dot_diameter_mm = p.dot_diameter_mm();
  if (p.has_yule_nielsen_n()) m.yule_nielsen_n = p.yule_nielsen_n();
  if (p.has_oxygen_saturation()) m.oxygen_saturation = p.oxygen_saturation();
  if (p.has_pheomelanin_fraction()) m.pheomelanin_fraction = p.pheomelanin_fraction();
  if (p.has_sieve_scale()) m.sieve_scale = p.sieve_scale();
  if (p.has_dermal_melanin_ratio()) m.dermal_melanin_ratio = p.dermal_melanin_ratio();
  for (const auto& s : p.pigment_scale()) m.pigment_scale[s.pigment()] = s.scale();
  return m;
}

void ToProto(const ModelParams& m, pb::OpticsParams* p) {
  p->set_epidermis_thickness_mm(m.epidermis_mm);
  p->set_scattering_a_per_cm(m.scattering_a_per_cm);
  p->set_scattering_b(m.scattering_b);
  p->set_epidermis_scattering_factor(m.epidermis_scattering_factor);
  p->set_epidermis_absorption_factor(m.epidermis_absorption_factor);
  p->set_saunderson_k1(m.saunderson_k1);
  p->set_saunderson_k2(m.saunderson_k2);
  p->set_depth_mm(m.depth_mm);
  p->set_pigment_layer_mm(m.pigment_layer_mm);
  p->set_load(m.load);
  p->set_pigment_unit_per_mm(m.pigment_unit_per_mm);
  p->set_transport_mfp_mm(m.transport_mfp_mm);
  p->set_dot_diameter_mm(m.dot_diameter_mm);
  p->set_yule_nielsen_n(m.yule_nielsen_n);
  p->set_oxygen_saturation(m.oxygen_saturation);
  p->set_pheomelanin_fraction(m.pheomelanin_fraction);
  p->set_sieve_scale(m.sieve_scale);
  p->set_dermal_melanin_ratio(m.dermal_melanin_ratio);
  p->clear_pigment_scale();
  for (const auto& [id, s] : m.pigment_scale) {
    auto* e = p->add_pigment_scale();
    e->set_pigment(id);
    e->set_scale(s);
  }
}

}  // namespace shadecast::optics
