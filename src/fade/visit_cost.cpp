#include <ceres/autodiff_cost_function.h>

#include "color/ciede2000.h"
#include "fade/costs.h"
#include "fade/model_impl.h"
#include "optics/dot_model.h"

namespace shadecast::fade::internal {
namespace {

inline constexpr int kMaxPigments = 8;

struct VisitCost {
  const ClientData* client;       // borrowed
  const optics::DotModel* dot;    // borrowed
  int day;
  color::Lab measured;
  double weight;

  template <typename T>
  bool operator()(const T* const theta, T* residuals) const {
    const auto p = impl::StateT<T>::FromTheta(theta);
    T amounts[kMaxPigments];
    impl::Retained(*client, p, day, amounts);
    const int n = static_cast<int>(client->pigments.size());
    const color::Triple<T> lab = dot->Lab(amounts, client->pigments.data(), n);
    const color::Triple<T> meas{T(measured[0]), T(measured[1]), T(measured[2])};
    const color::Triple<T> r = color::DeltaE00Residuals(lab, meas);
    for (int i = 0; i < 3; ++i) residuals[i] = T(weight) * r[i];
    return true;
  }
};

}  // namespace

ceres::CostFunction* NewVisitCost(const ClientData* client, const optics::DotModel* dot, int day,
                                  const color::Lab& measured, double weight) {
  if (client->pigments.size() > static_cast<size_t>(kMaxPigments))
    throw std::invalid_argument("client " + client->client_id + ": more than 8 pigments in the sessions");
  return new ceres::AutoDiffCostFunction<VisitCost, 3, impl::kThetaSize>(
      new VisitCost{client, dot, day, measured, weight});
}

}  // namespace shadecast::fade::internal
