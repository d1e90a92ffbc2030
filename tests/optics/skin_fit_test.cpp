// Skin inversion: forward -> L*a*b* -> inverse -> forward round trips, and honest failure.
#include "optics/skin_fit.h"

#include <catch2/catch.hpp>
#include <random>

#include "color/ciede2000.h"
#include "optics/model.h"
#include "optics/skin_fit_cost.h"

#include <array>
#include <memory>

namespace op = shadecast::optics;

TEST_CASE("Skin inversion round trip: 200 random skins land within 0.05 dE00") {
  // Acceptance (optics issue): forward -> L*a*b* -> inverse -> forward within 0.05 dE00 worst, over
  // the prior range: melanin 0.5 %-40 % and blood 0.3 %-5 % (log-uniform), scattering scale 0.6-1.6.
  std::mt19937_64 rng(20261122);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const op::ModelParams params;
  double worst = 0;
  int outside = 0;
  for (int i = 0; i < 200; ++i) {
    const op::SkinParams truth{std::exp(std::log(0.005) + u(rng) * std::log(0.4 / 0.005)),
                               std::exp(std::log(0.003) + u(rng) * std::log(0.05 / 0.003)), 0.6 + 1.0 * u(rng)};
    const auto lab = op::ReflectanceToLab(op::SkinReflectance(truth, params));
    const auto fit = op::FitSkin(lab, params);
    const auto again = op::ReflectanceToLab(op::SkinReflectance(fit.skin, params));
    const double de = shadecast::color::DeltaE00(again, lab);
    worst = std::max(worst, de);
    if (!fit.within_model) ++outside;
    INFO("skin " << i << " melanin " << truth.melanin << " blood " << truth.blood << ": " << fit.BriefReport());
    CHECK(de <= 0.05);
  }
  INFO("worst " << worst);
  CHECK(outside == 0);
  WARN("skin inversion round trip: worst " << worst << " dE00 over 200 skins");
}

TEST_CASE("A colour no skin can have gets an honest 'outside the skin model' answer") {
  const auto fit = op::FitSkin({50, -40, 0}, op::ModelParams{});
  CHECK_FALSE(fit.within_model);
  CHECK(fit.residual_de00 > 5.0);
  CHECK_THAT(fit.message, Catch::Contains("outside the skin model"));
  CHECK_THAT(fit.BriefReport(), Catch::Contains("outside the skin model"));
}

TEST_CASE("The inversion's autodiff Jacobian agrees with finite differences") {
  const op::ModelParams params;
  const shadecast::color::Lab measured{62, 12, 20};
  std::unique_ptr<ceres::CostFunction> cost(op::internal::NewSkinColourCost(measured, params, 0.05));
  for (const auto& p : {std::array<double, 3>{std::log(0.03), std::log(0.01), 0.0},
                        std::array<double, 3>{std::log(0.2), std::log(0.03), std::log(1.3)}}) {
    double x[3] = {p[0], p[1], p[2]};
    const double* params_ptr[1] = {x};
    double r[3], jac[9];
    double* jac_ptr[1] = {jac};
    REQUIRE(cost->Evaluate(params_ptr, r, jac_ptr));
    const double h = 1e-6;
    for (int j = 0; j < 3; ++j) {
      double xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]};
      xp[j] += h;
      xm[j] -= h;
      double rp[3], rm[3];
      const double* pp[1] = {xp};
      const double* pm[1] = {xm};
      cost->Evaluate(pp, rp, nullptr);
      cost->Evaluate(pm, rm, nullptr);
      for (int i = 0; i < 3; ++i) {
        // Central differences, h = 1e-6: agreement to 1e-5 relative or 1e-4 absolute (residuals
        // are L*a*b* / 0.05, of order 100).
        CHECK(jac[i * 3 + j] == Approx((rp[i] - rm[i]) / (2 * h)).epsilon(1e-5).margin(1e-4));
      }
    }
  }
}

TEST_CASE("Invalid options are refused with the reason") {
  op::SkinFitOptions o;
  o.lab_sigma = 0;
  CHECK_THROWS_WITH(op::FitSkin({60, 10, 15}, op::ModelParams{}, o), Catch::Contains("lab_sigma"));
}
