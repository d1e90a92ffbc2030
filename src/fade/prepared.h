#pragma once
// PreparedClient internals shared by fit.cpp and forecast.cpp (internal header).
#include <memory>
#include <vector>

#include "fade/fit.h"
#include "optics/dot_model.h"
#include "optics/skin_fit.h"

namespace shadecast::fade {

struct PreparedClient::Impl {
  const ClientData* client = nullptr;  // borrowed
  std::vector<int> visit_index;
  // One per visit used. A visit whose skin is within kShareSkinDe00 of the visits' mean skin shares
  // the mean skin's model, and the difference of its skin from the mean is taken as a lighting
  // shift shared by dot and skin: visit_target is the measured dot minus half that shift
  // (fit.cpp kLightingShiftShare: the fit is on the dot-minus-skin contrast of each photo). Other visits (tanned) get their own model and
  // visit_target is the measured dot.
  std::vector<std::shared_ptr<const optics::DotModel>> visit_models;
  std::vector<color::Lab> visit_target;
  int shared_visit_models = 0;  // visits on the mean skin's model
  color::Lab forecast_skin{};
  std::shared_ptr<const optics::DotModel> forecast_model;
  color::Lab forecast_skin_model_lab{};  // the model's colour of the forecast skin
  bool outside = false;
  // Seasonal skin (yearly harmonic per L*a*b* channel fitted to the visit skins, used only when the
  // data support it): the skin at phase j of kSeasonPhases equally spaced phases of the year
  // (phase 0 = day 0 of the epoch year cycle, i.e. fmod(day, kDaysPerYear) == 0), each inverted
  // and with its own dot model. Empty when the mean skin stands for every date.
  static constexpr int kSeasonPhases = 7;
  bool seasonal = false;
  color::Lab season_mean{}, season_cos{}, season_sin{};  // skin(day) = mean + cos(w day) c + sin(w day) s
  double season_wald = 0;                                 // chi^2 (6 dof) of the harmonic
  std::vector<std::shared_ptr<const optics::DotModel>> season_models;
  std::vector<color::Lab> season_model_labs;
};

}  // namespace shadecast::fade
