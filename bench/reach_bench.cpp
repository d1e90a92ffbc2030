// Reachability grid of the look match (docs/benchmarks.md, "Reachability"):
//   build/bin/reach_bench [seeds=1]
// Skins (melanin 0.01-0.4, Monk 1-10 under the Monte Carlo optics) x stubble colours with a published
// fibre colour (black, dark brown; synth/scalp.h): a synthetic consultation photo (Canon EOS 5D
// Mark II, LED-B3, 1600x1200 at 30 px/mm, 300 follicles, 20 hairs, Nano in frame, JPEG q95) is
// measured (measure/), the stubble's look matched (blend/look.h, the engine's tables), and the
// recipe's healed dot rendered again by the photon-transport Monte Carlo itself (synth/dot_mc.h, not
// the tables) into the same lattice: its near and regional dE00 to the target are the round trip.
// Cells declared unreachable in advance (docs/appearance.md): stubble not darker than the skin.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "blend/look.h"
#include "blend/pigment_ks.h"
#include "color/appearance.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "measure/measure.h"
#include "optics/model.h"
#include "optics/skin_fit.h"
#include "store/data_paths.h"
#include "store/image_io.h"
#include "store/message_io.h"
#include "store/pigment_library.h"
#include "store/shipped_data.h"
#include "store/training_set.h"
#include "synth/dot_mc.h"
#include "synth/scalp.h"

namespace ss = shadecast::synth;
namespace st = shadecast::store;
namespace ms = shadecast::measure;
namespace sc = shadecast::color;
namespace bl = shadecast::blend;
namespace op = shadecast::optics;

namespace {

double Pct(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * v.size())) - 1)];
}

// The recipe's dot by the Monte Carlo, in the lattice the match used.
sc::Appearance McLook(const bl::LookRecipe& rc, const std::vector<const op::PigmentKS*>& pig,
                      const std::vector<double>& share, const op::SkinParams& skin, op::ModelParams params,
                      const sc::ViewingOptions& v) {
  params.dot_diameter_mm = rc.needle.healed_diameter_mm;
  op::Blend b;
  for (size_t i = 0; i < pig.size(); ++i)
    if (share[i] > 0) b.push_back({pig[i], share[i]});
  const op::BlendKS ks = op::MixBlend(b, params);
  ss::DotMcOptions mc;
  const ss::DotProfileMc d = ss::RenderDotMc(skin, ks, rc.load, params, mc);
  const sc::Colorimeter& d50 = sc::D50Colorimeter();
  auto xyz = [&](const sc::Spectral36& r) {
    const sc::Xyz x = d50.Xyz36(r.data());
    return sc::Xyz{x[0] / 100, x[1] / 100, x[2] / 100};
  };
  sc::RadialProfile p;
  for (size_t i = 0; i < d.profile.size(); ++i) {
    p.rho_mm.push_back(i * d.step_mm);
    p.xyz.push_back(xyz(d.profile[i]));
  }
  return sc::LatticeAppearance(p, xyz(d.skin), rc.density_per_cm2 / 100.0, v);
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  const auto chart = st::LoadChart("colorchecker24_nano");
  const auto lib = st::LoadDefaultPigmentLibrary();
  std::vector<op::PigmentKS> pigments;
  std::vector<bool> is_black;
  for (const auto& p : lib.pigments()) {
    if (p.role() == shadecast::pb::REFERENCE || p.role() == shadecast::pb::ROLE_UNSPECIFIED || p.characterisation_only())
      continue;
    pigments.push_back(shadecast::blend::PigmentKsFromProto(p));
    is_black.push_back(p.role() == shadecast::pb::BLACK);
  }
  std::vector<bl::Candidate> candidates;
  for (size_t i = 0; i < pigments.size(); ++i) candidates.push_back({&pigments[i], is_black[i]});
  shadecast::pb::UndertoneThresholds tp;
  st::ReadMessage(st::DataFile("data/undertone/thresholds.textproto"), &tp);
  const auto thr = ms::UndertoneThresholds::FromProto(tp);
  const auto training = std::make_unique<shadecast::calib::TrainingSet>(st::DefaultSkinTrainingSet());
  const ss::CameraResponse resp(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant("LED-B3"));
  const op::ModelParams params;
  const bl::LookOptions lo;

  std::printf("melanin hair       seed | skin L*  stubble near L* (dL)  | reachable water needle dens | table near/reg dE00 | MC near/reg dE00 | note\n");
  std::vector<double> mc_near, mc_reg, match_ms;
  int cells = 0, reached = 0, declared = 0, missed = 0;
  for (const char* hair : {"black", "dark_brown"})
    for (double mel : {0.01, 0.03, 0.06, 0.11, 0.2, 0.3, 0.4})
      for (int seed = 1; seed <= seeds; ++seed) {
        ss::ScalpOptions o;
        o.width = 1600;
        o.height = 1200;
        o.skin.melanin = mel;
        o.skin.blood = mel > 0.1 ? 0.02 : 0.01;
        o.hair = ss::HairOpticsFor(ss::HairColorFromString(hair), o.params);
        o.chart = &chart;
        o.seed = 500 * seed + 3;
        const ss::ScalpRender r = ss::RenderScalp(o, resp, {});
        const auto img = st::DecodeImage(st::EncodeImage(r.image, st::ImageFormat::kJpeg, {8, 95}), "g.jpg");
        ms::ColorSource src;
        src.chart = &chart;
        src.training = training.get();
        src.jpeg_quality = 95;
        const auto m = ms::Measure(img, src, thr, {}).measurement;
        ++cells;
        const auto& f = m.follicle();
        const sc::Lab skin{m.skin().l(), m.skin().a(), m.skin().b()};
        if (f.near().lab_size() != 3) {
          std::printf("%.2f    %-10s %4d | %5.1f   no stubble measured (flags:", mel, hair, seed, skin[0]);
          for (const auto& fl : m.quality().flags()) std::printf(" %s", fl.c_str());
          std::printf(")\n");
          ++declared;  // flagged: nothing to match, said by the measurement
          continue;
        }
        bl::StubbleLook stl;
        stl.skin = skin;
        stl.near = {f.near().lab(0), f.near().lab(1), f.near().lab(2)};
        stl.near_diameter_mm = f.near().diameter_mm();
        stl.regional = {f.regional().lab(0), f.regional().lab(1), f.regional().lab(2)};
        stl.has_regional = true;
        stl.density_per_cm2 = f.density_per_cm2();
        const op::SkinFitResult fit = op::FitSkin(skin, params);
        const auto t_match = std::chrono::steady_clock::now();
        const bl::LookMatchResult res = bl::MatchLook(stl, fit.skin, candidates, params, lo);
        match_ms.push_back(1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t_match).count());
        const auto& rc = res.recipe;
        const double dl = stl.near[0] - skin[0];
        if (rc.needle.name.empty()) {
          std::printf("%.2f    %-10s %4d | %5.1f   %5.1f (%+5.1f)          | declared: %s\n", mel, hair, seed, skin[0],
                      stl.near[0], dl, res.advice.c_str());
          ++declared;
          continue;
        }
        std::vector<const op::PigmentKS*> pig;
        std::vector<double> share;
        for (const auto& p : pigments) {
          if (p.id == rc.black) pig.push_back(&p), share.push_back(1 - rc.neutralizer_share);
          if (!rc.neutralizer.empty() && p.id == rc.neutralizer) pig.push_back(&p), share.push_back(rc.neutralizer_share);
        }
        const sc::Appearance mc = McLook(rc, pig, share, fit.skin, params, lo.viewing);
        const double en = sc::DeltaE00(mc.near.lab, res.target.near.lab), er = sc::DeltaE00(mc.regional.lab, res.target.regional.lab);
        if (res.reachable) {
          ++reached;
          mc_near.push_back(en);
          mc_reg.push_back(er);
        } else {
          ++missed;
        }
        std::printf("%.2f    %-10s %4d | %5.1f   %5.1f (%+5.1f)          | %-9s %5.1f %-7s %3.0f | %5.2f / %5.2f       | %5.2f / %5.2f    | %s\n",
                    mel, hair, seed, skin[0], stl.near[0], dl, res.reachable ? "yes" : "NO", rc.water_ml_per_ml,
                    rc.needle.name.c_str(), rc.density_per_cm2, rc.near_de00, rc.regional_de00, en, er, res.advice.c_str());
        std::fflush(stdout);
      }
  std::printf("\n%d cells: %d reachable, %d declared or flagged unreachable up front, %d not reached\n", cells, reached,
              declared, missed);
  std::printf("MatchLook time per cell (the skin fit apart, this process's core): median %.1f ms, max %.1f ms\n",
              Pct(match_ms, 0.5), Pct(match_ms, 1.0));
  std::printf("Monte Carlo round trip of the reachable recipes: near dE00 p50 %.2f p90 %.2f; regional p50 %.2f p90 %.2f\n",
              Pct(mc_near, 0.5), Pct(mc_near, 0.9), Pct(mc_reg, 0.5), Pct(mc_reg, 0.9));
  return 0;
}
