#include "optics/params.h"

#include <cmath>

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
  return Check(finite(epidermis_mm) && epidermis_mm > 0 && epidermis_mm < 1, "epidermis_mm", "must be in (0, 1)", epidermis_mm, why) &&
         Check(finite(scattering_a_per_cm) && scattering_a_per_cm > 0, "scattering_a_per_cm", "must be > 0", scattering_a_per_cm, why) &&
         Check(finite(scattering_b) && scattering_b >= 0 && scattering_b < 5, "scattering_b", "must be in [0, 5)", scattering_b, why) &&
         Check(finite(epidermis_scattering_factor) && epidermis_scattering_factor > 0 && epidermis_scattering_factor <= 3, "epidermis_scattering_factor", "must be in (0, 3]", epidermis_scattering_factor, why) &&
         Check(finite(epidermis_absorption_factor) && epidermis_absorption_factor > 0 && epidermis_absorption_factor <= 3, "epidermis_absorption_factor", "must be in (0, 3]", epidermis_absorption_factor, why) &&
         Check(saunderson_k1 >= 0 && saunderson_k1 < 1, "saunderson_k1", "must be in [0, 1)", saunderson_k1, why) &&
         Check(saunderson_k2 >= 0 && saunderson_k2 < 1, "saunderson_k2", "must be in [0, 1)", saunderson_k2, why) &&
         Check(finite(depth_mm) && depth_mm >= epidermis_mm && depth_mm < 5, "depth_mm", "must be at least the epidermis thickness and < 5 mm", depth_mm, why) &&
         Check(finite(pigment_layer_mm) && pigment_layer_mm > 0 && pigment_layer_mm < 2, "pigment_layer_mm", "must be in (0, 2)", pigment_layer_mm, why) &&
         Check(finite(load) && load >= 0, "load", "must be >= 0", load, why) &&
         Check(finite(pigment_unit_per_mm) && pigment_unit_per_mm > 0, "pigment_unit_per_mm", "must be > 0", pigment_unit_per_mm, why) &&
         Check(finite(transport_mfp_mm) && transport_mfp_mm > 0, "transport_mfp_mm", "must be > 0", transport_mfp_mm, why) &&
         Check(finite(dot_diameter_mm) && dot_diameter_mm > 0, "dot_diameter_mm", "must be > 0", dot_diameter_mm, why) &&
         Check(finite(yule_nielsen_n) && yule_nielsen_n >= 1 && yule_nielsen_n <= 10, "yule_nielsen_n", "must be in [1, 10]", yule_nielsen_n, why) &&
         Check(oxygen_saturation >= 0 && oxygen_saturation <= 1, "oxygen_saturation", "must be in [0, 1]", oxygen_saturation, why) &&
         Check(pheomelanin_fraction >= 0 && pheomelanin_fraction <= 1, "pheomelanin_fraction", "must be in [0, 1]", pheomelanin_fraction, why);
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
  p->clear_pigment_scale();
  for (const auto& [id, s] : m.pigment_scale) {
    auto* e = p->add_pigment_scale();
    e->set_pigment(id);
    e->set_scale(s);
  }
}

}  // namespace shadecast::optics
