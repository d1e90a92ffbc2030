#include "optics/calibrate.h"

#include <ceres/ceres.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "color/ciede2000.h"
#include "optics/calibrate_cost.h"
#include "optics/model.h"
#include "optics/skin_fit.h"

namespace shadecast::optics {
namespace {

// (x[index] - centre) / sd on one coordinate of a block of `size` values.
template <int kSize>
struct BlockPrior {
  int index;
  double centre, sd;
  template <typename T>
  bool operator()(const T* const x, T* r) const {
    r[0] = (x[index] - T(centre)) / T(sd);
    return true;
  }
};

template <int kSize>
ceres::CostFunction* NewBlockPrior(int index, double centre, double sd) {
  return new ceres::AutoDiffCostFunction<BlockPrior<kSize>, 1, kSize>(new BlockPrior<kSize>{index, centre, sd});
}

ModelParams WithOutcome(const Outcome& o, ModelParams p) {
  if (o.depth_mm > 0) p.depth_mm = o.depth_mm;
  if (o.dot_diameter_mm > 0) p.dot_diameter_mm = o.dot_diameter_mm;
  return p;
}

}  // namespace

bool CalibrateOptions::IsValid(std::string* why) const {
  const double v[] = {lab_sigma, scattering_a_log_sd, scattering_b_sd, saunderson_k2_sd, depth_log_sd,
                      pigment_unit_log_sd, transport_mfp_log_sd, pigment_scale_log_sd};
  for (double x : v)
    if (!(x > 0)) {
      if (why) *why = "every sigma and prior spread must be > 0";
      return false;
    }
  if (max_iterations < 1) {
    if (why) *why = "max_iterations must be >= 1";
    return false;
  }
  return true;
}

std::string CalibrateResult::BriefReport() const {
  char buf[300];
  std::snprintf(buf, sizeof buf, "optics calibrate: %zu outcomes, mean dE00 %.3f -> %.3f (max %.3f), %s in %d iterations",
                outcomes.size(), mean_de00_before, mean_de00_after, max_de00_after,
                converged ? "converged" : "NOT converged", iterations);
  return buf;
}

color::Lab PredictOutcome(const Outcome& o, const SkinParams& skin, const ModelParams& params) {
  return Render(skin, MixBlend(o.blend, params), o.load, WithOutcome(o, params)).dot_lab;
}

CalibrateResult CalibrateOptics(const std::vector<Outcome>& outcomes, const ModelParams& start,
                                const CalibrateOptions& options) {
  std::string why;
  if (outcomes.empty()) throw std::invalid_argument("optics calibrate: no outcomes to fit");
  if (!options.IsValid(&why)) throw std::invalid_argument("calibrate options: " + why);
  if (!start.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  for (const auto& o : outcomes)
    for (const auto& c : o.blend)
      if (!c.pigment) throw std::invalid_argument("optics calibrate: outcome with a missing pigment");

  CalibrateResult result;
  result.outcomes.resize(outcomes.size());

  double g[internal::kGlobalSize];
  internal::GlobalsFromParams(start, g);
  const std::vector<double> g0(g, g + internal::kGlobalSize);
  std::vector<std::array<double, 3>> skins(outcomes.size());
  std::map<std::string, double> log_scale;  // one block per pigment id
  for (const auto& o : outcomes)
    for (const auto& c : o.blend) log_scale.emplace(c.pigment->id, std::log(start.PigmentScale(c.pigment->id)));
  const std::map<std::string, double> log_scale0 = log_scale;

  ceres::Problem problem;
  const SkinFitOptions skin_prior;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome& o = outcomes[i];
    // Start each skin at its own inversion under the starting parameters.
    const SkinFitResult sf = FitSkin(o.skin_lab, WithOutcome(o, start), skin_prior);
    skins[i] = {std::log(sf.skin.melanin), std::log(sf.skin.blood), std::log(sf.skin.scattering_scale)};
    result.outcomes[i].predicted_before = PredictOutcome(o, sf.skin, start);
    result.outcomes[i].de00_before = color::DeltaE00(result.outcomes[i].predicted_before, o.healed_lab);

    std::vector<double*> blocks{g, skins[i].data()};
    for (const auto& c : o.blend) blocks.push_back(&log_scale[c.pigment->id]);
    problem.AddResidualBlock(internal::NewOutcomeCost(o, start, options.lab_sigma), nullptr, blocks);
    problem.AddResidualBlock(NewBlockPrior<3>(0, std::log(skin_prior.melanin_median), skin_prior.melanin_log_sd),
                             nullptr, skins[i].data());
    problem.AddResidualBlock(NewBlockPrior<3>(1, std::log(skin_prior.blood_median), skin_prior.blood_log_sd), nullptr,
                             skins[i].data());
    problem.AddResidualBlock(NewBlockPrior<3>(2, std::log(skin_prior.scattering_median), skin_prior.scattering_log_sd),
                             nullptr, skins[i].data());
  }
  const double sds[internal::kGlobalSize] = {options.scattering_a_log_sd, options.scattering_b_sd,
                                             options.saunderson_k2_sd,    options.depth_log_sd,
                                             options.pigment_unit_log_sd, options.transport_mfp_log_sd};
  for (int k = 0; k < internal::kGlobalSize; ++k)
    problem.AddResidualBlock(NewBlockPrior<internal::kGlobalSize>(k, g0[k], sds[k]), nullptr, g);
  for (auto& [id, v] : log_scale)
    problem.AddResidualBlock(NewBlockPrior<1>(0, log_scale0.at(id), options.pigment_scale_log_sd), nullptr, &v);
  problem.SetParameterLowerBound(g, 1, 0.2);
  problem.SetParameterUpperBound(g, 1, 3.0);
  problem.SetParameterLowerBound(g, 2, 0.05);
  problem.SetParameterUpperBound(g, 2, 0.8);
  problem.SetParameterLowerBound(g, 3, std::log(1e-3));
  problem.SetParameterUpperBound(g, 3, std::log(2.0));
  for (auto& s : skins) {
    problem.SetParameterLowerBound(s.data(), 0, -6.9);
    problem.SetParameterUpperBound(s.data(), 0, -0.51);
    problem.SetParameterLowerBound(s.data(), 1, -7.6);
    problem.SetParameterUpperBound(s.data(), 1, -1.61);
    problem.SetParameterLowerBound(s.data(), 2, -1.2);
    problem.SetParameterUpperBound(s.data(), 2, 1.1);
  }

  ceres::Solver::Options so;
  so.max_num_iterations = options.max_iterations;
  so.linear_solver_type = ceres::DENSE_SCHUR;
  so.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);

  result.params = start;
  internal::ParamsFromGlobals(g, &result.params);
  for (const auto& [id, v] : log_scale) result.params.pigment_scale[id] = std::exp(v);
  result.converged = summary.termination_type == ceres::CONVERGENCE;
  result.initial_cost = summary.initial_cost;
  result.final_cost = summary.final_cost;
  result.iterations = static_cast<int>(summary.iterations.size());
  result.message = summary.message;

  double sum_before = 0, sum_after = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const SkinParams skin{std::exp(skins[i][0]), std::exp(skins[i][1]), std::exp(skins[i][2])};
    auto& of = result.outcomes[i];
    of.predicted_after = PredictOutcome(outcomes[i], skin, result.params);
    of.de00_after = color::DeltaE00(of.predicted_after, outcomes[i].healed_lab);
    sum_before += of.de00_before;
    sum_after += of.de00_after;
    result.max_de00_after = std::max(result.max_de00_after, of.de00_after);
  }
  result.mean_de00_before = sum_before / outcomes.size();
  result.mean_de00_after = sum_after / outcomes.size();
  return result;
}

}  // namespace shadecast::optics
