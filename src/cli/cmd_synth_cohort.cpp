// shadecast synth cohort: synthetic client histories with truth (src/fade/cohort.h). Added to the
// `synth` group registered by cmd_synth.cpp (registered after it, by order).
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "fade/cohort.h"
#include "fade/date.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {

struct CohortCliOptions {
  int clients = 0;
  int64_t seed = 1;
  std::string out, family = "default", library, params, start_date = fade::CohortOptions{}.start_date;
  double noise_de00 = 0.6;
  bool json = false;
};


int RunCohort(const CohortCliOptions& o) {
  fade::CohortOptions co;
  co.clients = o.clients;
  if (o.seed < 0) throw InputError("--seed: expected a non-negative integer");
  co.seed = static_cast<uint64_t>(o.seed);
  co.noise_de00 = o.noise_de00;
  co.start_date = o.start_date;
  // misspec-tune / misspec-holdout: the generator that departs from the fitted family (issue 19;
  // docs/fade.md); its noise is per client, so --noise-de00 does not apply.
  const bool misspec = o.family.rfind("misspec-", 0) == 0;
  fade::MisspecOptions mo;
  try {
    if (misspec)
      mo = fade::MisspecOptions::Preset(fade::MisspecVariantFromString(o.family.substr(8)));
    else
      co.family = fade::FamilyFromString(o.family);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--family: ") + e.what() + " (or misspec-tune, misspec-holdout)");
  }
  mo.clients = o.clients;
  mo.seed = co.seed;
  mo.start_date = o.start_date;
  std::string why;
  if (!co.IsValid(&why) || (misspec && !mo.IsValid(&why))) throw InputError("--clients/--noise-de00/--start-date: " + why);
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  std::vector<fade::TruthClient> cohort;
  if (misspec) {
    for (auto& m : fade::GenerateMisspecifiedCohort(mo, lib->pigments, params)) cohort.push_back(std::move(m.client));
  } else {
    cohort = fade::GenerateCohort(co, lib->pigments, params);
  }

  namespace fs = std::filesystem;
  const fs::path dir = fs::path(o.out) / "histories";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("--out: cannot create '" + dir.string() + "': " + ec.message());
  nlohmann::json clients = nlohmann::json::array();
  int touch_ups = 0;
  for (const auto& t : cohort) {
    store::WriteMessageAtomic(dir / (t.history.client_id() + ".textproto"), t.history);
    nlohmann::json visits = nlohmann::json::array();
    for (const auto& v : t.visits)
      visits.push_back({{"date", fade::FormatDate(v.day)}, {"dot_lab", LabJson(v.dot)}, {"skin_lab", LabJson(v.skin)}});
    touch_ups += t.touch_up_day ? 1 : 0;
    clients.push_back(
        {{"client_id", t.history.client_id()},
         {"history", "histories/" + t.history.client_id() + ".textproto"},
         {"params",
          {{"rate_per_year", t.state.rate_per_year},
           {"healing_loss", t.state.healing_loss},
           {"c_inf", t.state.c_inf},
           {"deposit_scale", t.state.deposit_scale},
           {"log_rate_mean", t.log_rate_mean}}},
         {"skin", {{"melanin", t.skin.melanin}, {"blood", t.skin.blood}, {"scattering_scale", t.skin.scattering_scale}}},
         {"visits", visits},
         {"touch_up_date", t.touch_up_day ? nlohmann::json(fade::FormatDate(*t.touch_up_day)) : nlohmann::json(nullptr)}});
  }
  const auto& p = co.population;
  nlohmann::json truth = {
      {"family", o.family},
      {"seed", o.seed},
      {"noise_de00", o.noise_de00},
      {"trigger", "contrast:0.45 on the baseline (untanned) skin, not before last session + 28 days"},
      {"population",
       {{"rate_per_year", p.rate_per_year},
        {"log_rate_sd", p.log_rate_sd},
        {"healing_loss", p.healing_loss},
        {"healing_loss_logit_sd", p.healing_loss_logit_sd},
        {"c_inf", p.c_inf},
        {"c_inf_logit_sd", p.c_inf_logit_sd},
        {"deposit_log_mean", p.deposit_log_mean},
        {"deposit_log_sd", p.deposit_log_sd},
        {"uv_coef", p.uv_coef},
        {"ita_coef_per_10deg", p.ita_coef_per_10deg},
        {"oily_coef", p.oily_coef},
        {"scarring_coef", p.scarring_coef},
        {"dilution_coef", p.dilution_coef}}},
      {"clients", clients}};
  store::WriteFileAtomic(fs::path(o.out) / "truth.json", truth.dump(1));
  if (o.json)
    PrintJson({{"clients", static_cast<int>(cohort.size())}, {"with_touch_up", touch_ups}, {"out", o.out}});
  else
    std::printf("%zu histories in %s, truth in %s\n", cohort.size(), dir.string().c_str(),
                (fs::path(o.out) / "truth.json").string().c_str());
  return kExitOk;
}

void RegisterSynthCohort(CLI::App& app, Action& action) {
  CLI::App* synth = app.get_subcommand("synth");  // registered by cmd_synth.cpp (order 20)
  auto o = std::make_shared<CohortCliOptions>();
  CLI::App* c = synth->add_subcommand("cohort", "Synthetic client histories (sessions, follow-ups) with truth");
  c->add_option("--clients", o->clients, "number of clients")->required();
  c->add_option("--seed", o->seed, "random seed")->capture_default_str();
  c->add_option("--out", o->out, "output folder: histories/*.textproto and truth.json")->required();
  c->add_option("--noise-de00", o->noise_de00, "measurement noise, RMS dE*ab per visit (dot and skin)")
      ->capture_default_str();
  c->add_option("--family", o->family, "generating family: default, biexp, seasonal (the fitter's own model), misspec-tune or misspec-holdout (departs from it; per-client noise)")->capture_default_str();
  c->add_option("--start-date", o->start_date, "first sessions spread over two years from this date")
      ->capture_default_str();
  c->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  c->add_option("--params", o->params, "optics parameters file");
  c->add_flag("--json", o->json, "JSON summary");
  c->callback([&action, o] { action = [o] { return RunCohort(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(21, "synth-cohort", RegisterSynthCohort);

}  // namespace shadecast::cli
