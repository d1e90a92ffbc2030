#include "color/appearance_pb.h"

#include <cmath>

namespace shadecast::color {

void AppearanceToPb(const Appearance& a, const ViewingOptions& options, pb::NearLook* near, pb::RegionalLook* regional) {
  near->clear_lab();
  for (double v : a.near.lab) near->add_lab(v);
  near->set_delta_l(a.near.delta_l);
  near->set_delta_c(a.near.delta_c);
  near->set_delta_h_deg(a.near.delta_h_deg);
  near->set_diameter_mm(a.near.diameter_mm);
  near->set_spread_de00(a.near.spread_de00);
  near->set_features(a.near.features);
  near->set_distance_m(options.near_distance_m);
  near->set_uncertainty_de00(a.near.features > 0 ? 1.2533 * a.near.spread_de00 / std::sqrt(a.near.features) : 0.0);
  regional->clear_lab();
  for (double v : a.regional.lab) regional->add_lab(v);
  regional->set_de00_to_skin(a.regional.de00_to_skin);
  regional->set_texture_l(a.regional.texture_l);
  regional->set_distance_m(options.regional_distance_m);
}

}  // namespace shadecast::color
