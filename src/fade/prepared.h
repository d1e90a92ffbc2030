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
  std::vector<std::unique_ptr<optics::DotModel>> visit_models;  // one per visit used
  color::Lab forecast_skin{};
  std::unique_ptr<optics::DotModel> forecast_model;
  color::Lab forecast_skin_model_lab{};  // the model's colour of the forecast skin
  bool outside = false;
};

}  // namespace shadecast::fade
