// shadecast optics render | fit-skin | calibrate | tabulate
#include <cstdio>
#include <unistd.h>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "color/csv.h"
#include "optics/calibrate.h"
#include "optics/mc_tables.h"
#include "optics/model.h"
#include "optics/skin_fit.h"
#include "shadecast/optics.pb.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {


// ---- render -------------------------------------------------------------------------------------
struct RenderOptions {
  double melanin = optics::SkinParams{}.melanin;
  double blood = optics::SkinParams{}.blood;
  double scattering_scale = 1.0;
  double depth_mm = 0, dot_diameter_mm = 0, load = -1;
  std::optional<double> water;  // ml of water per ml of ink; absent: --load or the parameters' load
  std::string pigment, library, params;
  bool spectra = false, json = false;
};

int RunRender(const RenderOptions& o) {
  optics::ModelParams params = LoadModelParams(o.params);
  if (o.depth_mm > 0) params.depth_mm = o.depth_mm;
  if (o.dot_diameter_mm > 0) params.dot_diameter_mm = o.dot_diameter_mm;
  std::string why;
  if (!params.IsValid(&why)) throw InputError("--depth-mm/--dot-diameter-mm: " + why);
  if (!(o.melanin > 0 && o.melanin < 1)) throw InputError("--melanin: expected a fraction in (0, 1)");
  if (!(o.blood > 0 && o.blood < 1)) throw InputError("--blood: expected a fraction in (0, 1)");
  if (!(o.scattering_scale > 0)) throw InputError("--scattering-scale: expected a positive number");
  const auto lib = LoadLibrary(o.library);
  const optics::Blend blend = ParseBlend(o.pigment, *lib, "--pigment");
  if (o.water && o.load >= 0) throw InputError("--water-ml-per-ml and --load: give one of them");
  if (o.water && !(*o.water >= 0 && *o.water <= 200))
    throw InputError("--water-ml-per-ml: expected 0-200 ml of distilled water per ml of ink, got " +
                     std::to_string(*o.water));
  const double load = o.water ? 1.0 / (1.0 + *o.water) : o.load >= 0 ? o.load : params.load;
  const optics::SkinParams skin{o.melanin, o.blood, o.scattering_scale};
  const auto r = optics::Render(skin, optics::MixBlend(blend, params), load, params);
  if (o.json) {
    nlohmann::json j = {{"dot_lab", LabJson(r.dot_lab)},
                        {"skin_lab", LabJson(r.skin_lab)},
                        {"contrast_de00", r.contrast_de00},
                        {"coverage", r.coverage},  // kept: now the ink's areal fill, as "fill"
                        {"fill", r.coverage},
                        {"in_range", r.in_range},
                        {"water_ml_per_ml", load > 0 ? nlohmann::json(1.0 / load - 1.0) : nlohmann::json(nullptr)},
                        {"load", load},
                        {"depth_mm", params.depth_mm},
                        {"dot_diameter_mm", params.dot_diameter_mm}};
    if (o.spectra) {
      j["wavelengths_nm"] = color::Grid36Nm();
      j["dot_reflectance"] = r.dot_reflectance;
      j["skin_reflectance"] = r.skin_reflectance;
    }
    PrintJson(j);
    return kExitOk;
  }
  std::printf("skin  L*a*b* D50  %6.2f %6.2f %6.2f\n", r.skin_lab[0], r.skin_lab[1], r.skin_lab[2]);
  std::printf("dot   L*a*b* D50  %6.2f %6.2f %6.2f   (load %.2f, depth %.2f mm, dot %.2f mm)\n", r.dot_lab[0],
              r.dot_lab[1], r.dot_lab[2], load, params.depth_mm, params.dot_diameter_mm);
  std::printf("contrast          %6.2f dE00   (ink fill %.0f %% of the dot's area%s)\n", r.contrast_de00,
              100 * r.coverage, r.in_range ? "" : "; WARNING: skin optics outside the Monte Carlo tables");
  if (o.spectra) {
    std::printf("wavelength_nm,skin_reflectance,dot_reflectance\n");
    for (int k = 0; k < color::kBands; ++k)
      std::printf("%.0f,%.5f,%.5f\n", color::BandNm(k), r.skin_reflectance[k], r.dot_reflectance[k]);
  }
  return kExitOk;
}

// ---- fit-skin -----------------------------------------------------------------------------------
struct FitSkinOptions {
  std::string lab, params;
  bool json = false;
};

int RunFitSkin(const FitSkinOptions& o) {
  const color::Lab lab = ParseTriple(o.lab, "--lab");
  if (lab[0] < 0 || lab[0] > 100) throw InputError("--lab: L* must be within 0-100");
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto fit = optics::FitSkin(lab, params);
  if (o.json) {
    PrintJson({{"melanin", fit.skin.melanin},
               {"blood", fit.skin.blood},
               {"scattering_scale", fit.skin.scattering_scale},
               {"dermal_melanin", fit.skin.dermal_melanin},
               {"residual_de00", fit.residual_de00},
               {"converged", fit.converged},
               {"within_model", fit.within_model},
               {"fitted_lab", LabJson(fit.fitted_lab)},
               {"iterations", fit.iterations},
               {"message", fit.message}});
  } else {
    std::printf("%s\n", fit.BriefReport().c_str());
    if (!fit.within_model) std::printf("%s\n", fit.message.c_str());
  }
  return kExitOk;
}

// ---- calibrate ----------------------------------------------------------------------------------
struct CalibrateCliOptions {
  std::string outcomes, out, library, params;
  bool json = false;
};

// Outcomes CSV (docs/conventions.md): recipe,load,depth_mm,dot_diameter_mm,skin_L,skin_a,skin_b,
// healed_L,healed_a,healed_b; depth and diameter may be empty.
std::vector<optics::Outcome> ParseOutcomes(const std::string& path, const Library& lib) {
  const color::CsvTable t = color::ParseCsv(store::ReadFile(path), path);
  if (t.cols() != 10)
    throw InputError(path + ": expected 10 columns recipe,load,depth_mm,dot_diameter_mm,skin_L,skin_a,skin_b,"
                            "healed_L,healed_a,healed_b; found " + std::to_string(t.cols()));
  std::vector<optics::Outcome> out;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    optics::Outcome o;
    const std::string where = path + " row " + std::to_string(r + 1);
    o.blend = ParseBlend(t.rows[r][0], lib, where + " recipe");
    auto num = [&](size_t c, bool optional) {
      if (optional && t.rows[r][c].empty()) return 0.0;
      try {
        return t.Number(r, c);
      } catch (const std::exception& e) {
        throw InputError(e.what());
      }
    };
    o.load = num(1, false);
    o.depth_mm = num(2, true);
    o.dot_diameter_mm = num(3, true);
    o.skin_lab = {num(4, false), num(5, false), num(6, false)};
    o.healed_lab = {num(7, false), num(8, false), num(9, false)};
    if (!(o.load > 0)) throw InputError(where + ": load must be > 0");
    if (o.depth_mm < 0 || o.dot_diameter_mm < 0) throw InputError(where + ": depth and diameter must be >= 0");
    out.push_back(std::move(o));
  }
  return out;
}

int RunCalibrate(const CalibrateCliOptions& o) {
  const optics::ModelParams start = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  const auto outcomes = ParseOutcomes(o.outcomes, *lib);
  const auto fit = optics::CalibrateOptics(outcomes, start);
  pb::OpticsParams out;
  optics::ToProto(fit.params, &out);
  out.set_source("shadecast optics calibrate on " + std::to_string(outcomes.size()) + " outcomes from " +
                 o.outcomes + ": " + fit.BriefReport());
  store::WriteMessageAtomic(o.out, out);
  if (o.json) {
    PrintJson({{"outcomes", outcomes.size()},
               {"mean_de00_before", fit.mean_de00_before},
               {"mean_de00_after", fit.mean_de00_after},
               {"max_de00_after", fit.max_de00_after},
               {"converged", fit.converged},
               {"iterations", fit.iterations},
               {"params", MessageToJson(out)},
               {"out", o.out}});
  } else {
    std::printf("%s\nwrote %s\n", fit.BriefReport().c_str(), o.out.c_str());
  }
  return kExitOk;
}

// ---- tabulate -----------------------------------------------------------------------------------
struct TabulateCliOptions {
  std::string out;
  int64_t photons = optics::TabulateOptions{}.photons;
  uint64_t seed = optics::TabulateOptions{}.seed;
  int threads = 0;
  bool json = false;
};

int RunTabulate(const TabulateCliOptions& o) {
  optics::TabulateOptions t;
  t.photons = o.photons;
  t.seed = o.seed;
  t.threads = o.threads;
  std::string why;
  if (!t.IsValid(&why)) throw InputError("optics tabulate: " + why);
  if (store::MessageFormatFromPath(o.out) != store::MessageFormat::kBinary)
    throw InputError("--out: expected a binary .pb file (the tables are ~12 MB of numbers), got '" + o.out + "'");
  const bool tty = isatty(fileno(stderr));
  t.progress = [tty](int done, int total) {
    if (tty)
      std::fprintf(stderr, "\rtabulating: %d of %d photon streams", done, total);
    else if (done == total || done % 4 == 0)
      std::fprintf(stderr, "tabulating: %d of %d photon streams\n", done, total);
    if (tty && done == total) std::fprintf(stderr, "\n");
  };
  const optics::McTables tables = optics::Tabulate(t);
  pb::McTables msg;
  optics::ToProto(tables, &msg);
  store::WriteMessageAtomic(o.out, msg);
  if (o.json) {
    PrintJson({{"out", o.out},
               {"photons", tables.photons},
               {"seed", tables.seed},
               {"seconds", tables.seconds},
               {"capped_fraction", tables.capped_fraction},
               {"bytes", msg.ByteSizeLong()},
               {"source", tables.source}});
    return kExitOk;
  }
  std::printf("wrote %s: %.1f MB, %lld photons, seed %llu, %.0f s (%s)\n", o.out.c_str(), msg.ByteSizeLong() / 1e6,
              static_cast<long long>(tables.photons), static_cast<unsigned long long>(tables.seed), tables.seconds,
              tables.source.c_str());
  return kExitOk;
}

void RegisterOptics(CLI::App& app, Action& action) {
  CLI::App* cmd = app.add_subcommand("optics", "The skin-pigment optics model: render, invert skin, calibrate");
  cmd->require_subcommand(1);

  auto r = std::make_shared<RenderOptions>();
  CLI::App* render = cmd->add_subcommand("render", "Predicted L*a*b* D50 of a healed dot and of the bare skin");
  render->add_option("--melanin", r->melanin, "epidermal melanin volume fraction")->capture_default_str();
  render->add_option("--blood", r->blood, "dermal blood volume fraction")->capture_default_str();
  render->add_option("--scattering-scale", r->scattering_scale, "dermal scattering multiplier")->capture_default_str();
  render->add_option("--pigment", r->pigment, "PIGMENT[:SHARE,...], e.g. carbon_black:0.9,iron_oxide_red:0.1")
      ->required();
  render->add_option("--load", r->load, "pigment load relative to undiluted ink (default: the parameters' load)");
  render->add_option("--water-ml-per-ml", r->water, "ml of distilled water per ml of ink, 0-200 (load = 1 / (1 + water))");
  render->add_option("--depth-mm", r->depth_mm, "ink depth below the surface, 0.04-0.32 mm (default: the parameters')");
  render->add_option("--dot-diameter-mm", r->dot_diameter_mm, "healed dot diameter (default: the parameters')");
  render->add_option("--library", r->library, "pigment library (default data/pigments/default.textproto)");
  render->add_option("--params", r->params, "optics parameters file (from `optics calibrate`)");
  render->add_flag("--spectra", r->spectra, "also print the reflectance spectra");
  render->add_flag("--json", r->json, "JSON: dot_lab, skin_lab, contrast_de00, fill, in_range, load, water_ml_per_ml (+ spectra)");
  render->callback([&action, r] { action = [r] { return RunRender(*r); }; });

  auto f = std::make_shared<FitSkinOptions>();
  CLI::App* fit = cmd->add_subcommand("fit-skin", "Melanin, blood and scattering from a measured skin L*a*b* D50");
  fit->add_option("--lab", f->lab, "skin colour as L,a,b (D50)")->required();
  fit->add_option("--params", f->params, "optics parameters file");
  fit->add_flag("--json", f->json, "JSON: melanin, blood, scattering_scale, residual_de00, converged");
  fit->callback([&action, f] { action = [f] { return RunFitSkin(*f); }; });

  auto c = std::make_shared<CalibrateCliOptions>();
  CLI::App* cal = cmd->add_subcommand("calibrate", "Fit the model's global parameters to a clinic's healed outcomes");
  cal->add_option("--outcomes", c->outcomes, "outcomes CSV (docs/conventions.md)")->required();
  cal->add_option("--out", c->out, "optics parameters file to write (.textproto, .pb or .json)")->required();
  cal->add_option("--library", c->library, "pigment library");
  cal->add_option("--params", c->params, "starting parameters (default: the documented defaults)");
  cal->add_flag("--json", c->json, "JSON summary");
  cal->callback([&action, c] { action = [c] { return RunCalibrate(*c); }; });

  auto t = std::make_shared<TabulateCliOptions>();
  CLI::App* tab = cmd->add_subcommand(
      "tabulate", "Regenerate the Monte Carlo tables of the forward model (minutes; docs/optics.md)");
  tab->add_option("--out", t->out, "tables to write (.pb), e.g. data/optics/mc_tables.pb")->required();
  tab->add_option("--photons", t->photons, "photon paths in the white run")->capture_default_str();
  tab->add_option("--seed", t->seed, "random seed")->capture_default_str();
  tab->add_option("--threads", t->threads, "threads (0 = all cores; results do not depend on it)");
  tab->add_flag("--json", t->json, "JSON summary: out, photons, seed, seconds, capped_fraction, bytes");
  tab->callback([&action, t] { action = [t] { return RunTabulate(*t); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(30, "optics", RegisterOptics);

}  // namespace shadecast::cli
