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
  for (const auto& p : {std::array<double, 4>{std::log(0.03), std::log(0.01), 0.0, std::log(0.0015)},
                        std::array<double, 4>{std::log(0.2), std::log(0.03), std::log(1.3), std::log(0.012)}}) {
    double x[4] = {p[0], p[1], p[2], p[3]};
    const double* params_ptr[1] = {x};
    double r[3], jac[12];
    double* jac_ptr[1] = {jac};
    REQUIRE(cost->Evaluate(params_ptr, r, jac_ptr));
    const double h = 1e-6;
    for (int j = 0; j < 4; ++j) {
      double xp[4] = {x[0], x[1], x[2], x[3]}, xm[4] = {x[0], x[1], x[2], x[3]};
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
        CHECK(jac[i * 4 + j] == Approx((rp[i] - rm[i]) / (2 * h)).epsilon(1e-5).margin(1e-4));
      }
    }
  }
}

TEST_CASE("Invalid options are refused with the reason") {
  op::SkinFitOptions o;
  o.lab_sigma = 0;
  CHECK_THROWS_WITH(op::FitSkin({60, 10, 15}, op::ModelParams{}, o), Catch::Contains("lab_sigma"));
}

namespace {
// CIELAB D65/2 -> D50 (Bradford), optionally removing a flat specular reflectance first.
shadecast::color::Lab D65ToD50(double L, double a, double b, double specular) {
  const double w65[3] = {0.95047, 1.0, 1.08883}, w50[3] = {0.96422, 1.0, 0.82521};
  auto finv = [](double t) { return t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29); };
  auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
  const double fy = (L + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
  double xyz[3] = {w65[0] * finv(fx) - specular * w65[0], w65[1] * finv(fy) - specular, w65[2] * finv(fz) - specular * w65[2]};
  const double M[3][3] = {{1.0478112, 0.0228866, -0.0501270}, {0.0295424, 0.9904844, -0.0170491},
                          {-0.0092345, 0.0150436, 0.7521316}};
  double d50[3];
  for (int i = 0; i < 3; ++i) d50[i] = M[i][0] * xyz[0] + M[i][1] * xyz[1] + M[i][2] * xyz[2];
  const double gx = f(d50[0] / w50[0]), gy = f(d50[1] / w50[1]), gz = f(d50[2] / w50[2]);
  return {116 * gy - 16, 500 * (gx - gy), 200 * (gy - gz)};
}
}  // namespace

TEST_CASE("Measured skins invert within 1.0 dE00, designed swatches beyond real skin are reported outside") {
  // Chosen on (the dermal-melanin prior's median, params.h): the ISSA archive (Lu, Xiao, Pointer et al.
  // 2025, Sci Data 12:487; 15,256 records of 2,113 people, d/8 specular included, D65/2), medians per
  // ITA group as computed from the archive in jbcom/humanoid-kit docs/research/SKIN-RENDERING.md;
  // specular 0.028 (Fresnel, n 1.4) removed, as the camera geometry excludes it.
  // Not chosen on: Yun et al. 2010 (Skin Res Technol, 148 Koreans, grand mean) and the five cluster
  // centres of "Proposed shade guide for human facial skin" (IADR 2009 abstract, nose tip and upper
  // lip, 45/0), both taken as D50; the Monk Skin Tone swatches MST 6-8 (sRGB, D65 -> D50).
  // Tolerance 1.0 dE00 (the issue's). MST 1-5 (L* 78-94) and MST 10 are lighter / darker and greyer
  // than any skin of the model: they must come back "outside the skin model", not as good fits.
  const double issa[10][3] = {{68.2, 10.2, 10.2}, {65.7, 10.7, 13.4}, {62.2, 11.4, 15.7}, {58.3, 11.2, 17.9},
                              {54.0, 11.7, 18.9}, {50.3, 11.7, 19.0}, {45.3, 11.1, 18.1}, {40.8, 11.0, 16.0},
                              {37.2, 10.2, 13.0}, {33.6, 8.7, 9.6}};
  std::vector<shadecast::color::Lab> measured;
  for (const auto& r : issa) measured.push_back(D65ToD50(r[0], r[1], r[2], 0.028));
  for (const shadecast::color::Lab lab : {shadecast::color::Lab{64.15, 8.96, 18.34}, shadecast::color::Lab{52.5, 17.0, 18.9},
                                          shadecast::color::Lab{49.4, 22.0, 12.3}, shadecast::color::Lab{41.5, 25.5, 13.3},
                                          shadecast::color::Lab{37.7, 17.2, 14.7}, shadecast::color::Lab{26.7, 14.6, 14.7}})
    measured.push_back(lab);
  // MST 6-8: a07e56 825c43 604134 as sRGB -> L*a*b* D50 (Bradford).
  for (const shadecast::color::Lab lab : {shadecast::color::Lab{55.42, 9.67, 27.02}, shadecast::color::Lab{42.73, 13.70, 20.87},
                                          shadecast::color::Lab{30.88, 12.57, 13.64}})
    measured.push_back(lab);
  const op::ModelParams params;
  for (const auto& lab : measured) {
    const auto fit = op::FitSkin(lab, params);
    INFO(lab[0] << "," << lab[1] << "," << lab[2] << ": " << fit.BriefReport());
    CHECK(fit.residual_de00 <= 1.0);
    CHECK(fit.within_model);
  }
  for (const shadecast::color::Lab lab : {shadecast::color::Lab{94.28, 2.01, 5.51}, shadecast::color::Lab{78.14, 5.32, 23.36},
                                          shadecast::color::Lab{14.66, 1.79, 3.58}}) {  // MST 1, 5, 10
    const auto fit = op::FitSkin(lab, params);
    INFO(lab[0] << ": " << fit.BriefReport());
    CHECK_FALSE(fit.within_model);
  }
}

TEST_CASE("Local skin inversion: a lighter or darker visit of the same person is reached from its mean skin") {
  // Reference: the forward model itself (skin -> L*a*b* -> local inverse -> forward), tolerance the
  // function's own 0.05 dE00. Visits 3 L* lighter than the mean made FitSkinNear's predecessor in
  // src/fade fail every time (it passed a 3-element block to the 4-parameter cost); those are here.
  const op::ModelParams params;
  std::mt19937_64 rng(20261203);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  int reached = 0;
  for (int i = 0; i < 60; ++i) {
    const op::SkinParams mean{std::exp(std::log(0.01) + u(rng) * std::log(30.0)),
                              std::exp(std::log(0.005) + u(rng) * std::log(6.0)), 0.7 + 0.6 * u(rng)};
    const auto start = op::FitSkin(op::ReflectanceToLab(op::SkinReflectance(mean, params)), params);
    // The visit: melanin x0.6-1.6 and blood x0.8-1.25 of the mean (untanned or tanned, flushed).
    const op::SkinParams visit{mean.melanin * (0.6 + u(rng)), mean.blood * (0.8 + 0.45 * u(rng)), mean.scattering_scale};
    const auto lab = op::ReflectanceToLab(op::SkinReflectance(visit, params));
    op::SkinParams near;
    if (!op::FitSkinNear(lab, start.skin, params, &near)) continue;
    ++reached;
    const double de = shadecast::color::DeltaE00(op::ReflectanceToLab(op::SkinReflectance(near, params)), lab);
    INFO("visit " << i << " melanin " << visit.melanin << " -> " << near.melanin);
    CHECK(de <= 0.05);
    CHECK(near.dermal_melanin > 0);
  }
  // Tolerance: at least 55 of 60 (the caller falls back to the multi-start fit for the rest).
  CHECK(reached >= 55);
  // An unreachable colour is refused, not returned as a near miss.
  op::SkinParams out{};
  CHECK_FALSE(op::FitSkinNear({50, -40, 0}, op::SkinParams{0.05, 0.01, 1.0}, params, &out));
}

TEST_CASE("A tan is recovered as melanin alone: blood and scattering kept, the melanin scale within 1 %") {
  // Reference: the forward model (a skin with melanin x1.4 and dermal melanin in proportion, as the
  // misspecified fade cohort tans); tolerance 1 % on the scale, 0.05 dE00 on the colour.
  const op::ModelParams params;
  for (double mel : {0.02, 0.08, 0.25}) {
    const op::SkinParams mean{mel, 0.01, 1.2};
    const auto start = op::FitSkin(op::ReflectanceToLab(op::SkinReflectance(mean, params)), params).skin;
    op::SkinParams tanned = start;
    tanned.melanin *= 1.4;
    tanned.dermal_melanin *= 1.4;
    const auto lab = op::ReflectanceToLab(op::SkinReflectance(tanned, params));
    double residual = -1;
    const op::SkinParams got = op::FitTan(lab, start, params, &residual);
    INFO("melanin " << mel);
    CHECK(got.melanin / start.melanin == Approx(1.4).epsilon(0.01));
    CHECK(got.dermal_melanin / got.melanin == Approx(start.dermal_melanin / start.melanin).epsilon(0.01));
    CHECK(got.blood == start.blood);
    CHECK(got.scattering_scale == start.scattering_scale);
    CHECK(residual <= 0.05);
  }
}
