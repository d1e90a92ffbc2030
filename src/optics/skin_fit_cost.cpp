#include "optics/skin_fit_cost.h"

#include <ceres/autodiff_cost_function.h>

#include "optics/model_impl.h"

namespace shadecast::optics::internal {
namespace {

struct SkinColourCost {
  color::Lab measured;
  ModelParams params;
  double sigma;

  template <typename T>
  bool operator()(const T* const log_skin, T* residuals) const {
    using std::exp;
    const impl::SkinT<T> skin{exp(log_skin[0]), exp(log_skin[1]), exp(log_skin[2]), exp(log_skin[3])};
    const auto m = impl::ModelT<T>::From(params);
    T r[color::kBands];
    impl::Reflectances(skin, m, T(0.0), static_cast<const T*>(nullptr), r, static_cast<T*>(nullptr));
    const color::Triple<T> lab = impl::LabD50(r);
    for (int i = 0; i < 3; ++i) residuals[i] = (lab[i] - T(measured[i])) / T(sigma);
    return true;
  }
};

}  // namespace

ceres::CostFunction* NewSkinColourCost(const color::Lab& measured, const ModelParams& params, double lab_sigma) {
  return new ceres::AutoDiffCostFunction<SkinColourCost, 3, 4>(new SkinColourCost{measured, params, lab_sigma});
}

}  // namespace shadecast::optics::internal
