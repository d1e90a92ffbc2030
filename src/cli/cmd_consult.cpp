// shadecast consult: measure -> skin inversion -> recipe and session plan -> prior forecast ->
// stored in the client's record, and the report written.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "blend/recipe.h"
#include "cli/commands.h"
#include "cli/fade_inputs.h"
#include "cli/inputs.h"
#include "cli/measure_inputs.h"
#include "cli/records.h"
#include "fade/date.h"
#include "fade/pipeline.h"
#include "optics/skin_fit.h"
#include "report/report.h"
#include "store/files.h"
#include "store/image_io.h"

namespace shadecast::cli {
namespace {

struct ConsultOptions {
  MeasureCliOptions measure;
  std::string client, report, db, as_of, params, library, priors, units = "pct5";
  int sessions = 3, draws = 1000, spacing_days = 14;
  long seed = 1;
  bool json = false;
};

color::Lab ToLab(const pb::Lab& l) { return {l.l(), l.a(), l.b()}; }
void SetLab(pb::Lab* out, const color::Lab& l) {
  out->set_l(l[0]);
  out->set_a(l[1]);
  out->set_b(l[2]);
}

std::string AmountText(const blend::Component& c, blend::PourUnits u) {
  if (u == blend::PourUnits::kParts10) return std::to_string(c.parts) + (c.parts == 1 ? " part" : " parts");
  return std::to_string(c.parts * 5) + " %";
}

int RunConsult(const ConsultOptions& o) {
  const std::string today = Today(o.as_of);
  auto db = OpenDatabase(o.db);
  if (!db->HasClient(o.client))
    throw InputError("no client '" + o.client + "' in " + db->path().string() + " (add one with `shadecast client add`)");
  const pb::ClientHistory record = db->History(o.client);

  // 1. Measure.
  const MeasureSetup setup = LoadMeasureSetup(o.measure);
  const Photo photo = ReadPhoto(o.measure.image);
  const ImageF& img = photo.image;
  const measure::MeasureResult mr = MeasureOne(setup, photo);
  pb::Measurement m = mr.measurement;
  m.set_image_sha256(store::Sha256Hex(photo.bytes));
  m.set_date(today);
  m.set_profile(o.measure.profile.empty() ? "chart in frame" : o.measure.profile);
  if (m.follicle().count() == 0)
    throw InputError(o.measure.image + ": no follicles found, so there is no shade to match; retake the photo closer, "
                                       "in focus, with the area's follicles in frame (docs/capture.md)");
  const color::Lab follicle = ToLab(m.follicle().lab());
  const color::Lab skin_lab = ToLab(m.skin());

  // 2. Skin and recipe.
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  const optics::SkinFitResult skin = optics::FitSkin(skin_lab, params);
  blend::MatchOptions mo;
  mo.sessions = o.sessions;
  try {
    mo.units = blend::PourUnitsFromString(o.units);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--units: ") + e.what());
  }
  std::string why;
  if (!mo.IsValid(&why)) throw InputError(why);
  const std::vector<blend::Candidate> candidates = RecipeCandidates(*lib);
  const blend::MatchResult plan = blend::Match(follicle, skin.skin, candidates, params, mo);

  pb::SessionPlan plan_pb;
  auto fill_recipe = [](const blend::Recipe& r, pb::Recipe* out) {
    for (const auto& c : r.components) {
      auto* pc = out->add_components();
      pc->set_pigment(c.pigment);
      pc->set_parts(c.parts);
      pc->set_fraction(c.fraction);
    }
    out->set_load(r.load);
    SetLab(out->mutable_predicted_healed_lab(), r.predicted_lab);
    out->set_de00(r.de00);
  };
  fill_recipe(plan.recipe, plan_pb.mutable_recipe());
  for (const auto& a : plan.alternatives) fill_recipe(a, plan_pb.add_alternatives());
  for (const auto& s : plan.sessions) {
    auto* ps = plan_pb.add_sessions();
    ps->set_session(s.session);
    ps->set_load(s.load);
    ps->set_water_ml_per_ml(s.water_ml_per_ml);
    SetLab(ps->mutable_predicted_lab(), s.predicted_lab);
  }
  plan_pb.set_reachable(plan.reachable);
  plan_pb.set_miss_direction(plan.miss);

  // 3. Prior forecast: the planned sessions every `spacing_days` from today, on the measured skin.
  pb::ClientHistory planned = record;
  SetLab(planned.mutable_skin_lab(), skin_lab);
  SetLab(planned.mutable_follicle_lab(), follicle);
  const int today_day = fade::ParseDate(today, "--as-of");
  for (const auto& s : plan.sessions) {
    auto* ts = planned.add_sessions();
    ts->set_date(fade::FormatDate(today_day + o.spacing_days * (s.session - 1)));
    fill_recipe(plan.recipe, ts->mutable_recipe());
    ts->mutable_recipe()->set_load(std::max(1e-4, s.deposit));
    ts->set_notes("planned at consultation " + today);
  }
  fade::PipelineOptions po;
  po.forecast.as_of_day = today_day;
  po.forecast.draws = o.draws;
  po.forecast.seed = static_cast<uint64_t>(o.seed);
  const fade::FadePriors priors = LoadPriors(o.priors);
  fade::ForecastResult fc;
  try {
    fc = fade::ForecastHistory(planned, lib->pigments, priors, params, po, o.client);
  } catch (const fade::HistoryError& e) {
    throw InputError(std::string("client ") + o.client + ": " + e.what());
  }
  const pb::Forecast fpb =
      ForecastMessage(fc, o.client, today, po.forecast.years, "prior forecast at consultation (no follow-ups yet)");

  // 4. Report.
  if (!o.report.empty()) {
    report::ReportData d;
    d.client_id = o.client;
    d.client_name = record.name();
    d.date = today;
    d.follicle = {"Follicle shade", follicle};
    d.skin = {"Skin", skin_lab};
    const auto& u = m.undertone();
    char ut[200];
    std::snprintf(ut, sizeof ut, "%s (hue %.0f deg, chroma %.1f); ITA %.0f deg, %s; Monk %d", u.class_().c_str(), u.hue_deg(),
                  u.chroma(), u.ita_deg(), u.ita_category().c_str(), u.monk());
    d.undertone = ut;
    for (const auto& msg : m.quality().messages()) d.warnings.push_back("Photo: " + msg);
    if (!skin.within_model) d.warnings.push_back("The skin colour lies outside the skin model: predictions are less certain.");
    if (!plan.reachable) d.warnings.push_back("The follicle shade cannot be reached with the inks in the library: " + plan.miss + ".");
    store::ImageWriteOptions wo;
    d.photo_png = store::EncodeImage(DrawOverlay(img, mr, 900), store::ImageFormat::kPng, wo);
    d.photo_caption = std::to_string(m.follicle().count()) + " follicles detected (green); skin sample in orange.";
    for (const auto& c : plan.recipe.components) d.mix.push_back({c.pigment, AmountText(c, mo.units)});
    d.predicted = {"Healed (predicted)", plan.recipe.predicted_lab};
    d.predicted_de00 = plan.recipe.de00;
    d.reachable = plan.reachable;
    d.miss = plan.miss;
    for (const auto& s : plan.sessions) d.sessions.push_back({s.session, s.water_ml_per_ml, s.predicted_lab, s.note});
    for (const auto& p : fc.series) {
      const double y = (p.day - fc.last_session_day) / 365.25;
      if (y < 0) continue;
      d.fade.push_back({y, p.contrast_de00.p10, p.contrast_de00.p50, p.contrast_de00.p90});
    }
    for (const auto& t : fc.triggers)
      if (t.kind == fade::TriggerKind::kContrastLoss) d.trigger_contrast = fc.healed_contrast_de00.p50 * (1 - t.threshold);
    if (fc.touch_up.p50_day) d.touch_up_years = (*fc.touch_up.p50_day - fc.last_session_day) / 365.25;
    d.touch_up_date = fpb.touchup_p50();
    d.touch_up_p10 = fpb.touchup_p10().empty() ? "-" : fpb.touchup_p10();
    d.touch_up_p90 = fpb.touchup_p90().empty() ? "beyond the horizon" : fpb.touchup_p90();
    d.forecast_note = "Prior forecast from population fading rates; it is refitted from this client's own follow-up photos.";
    if (setup.has_profile) {
      d.profile_name = o.measure.profile;
      d.profile_model = pb::ColorModel_Name(setup.profile.model());
      d.profile_loo_mean_de00 = setup.profile.loo().mean_de00();
    } else {
      d.profile_name = "fitted to the chart in the photo";
      d.profile_model = "root-polynomial 2";
    }
    try {
      store::WriteFileAtomic(o.report, report::RenderHtml(d));
    } catch (const std::exception& e) {
      throw InputError(std::string("--report: ") + e.what());
    }
  }

  // 5. Stored in one transaction: the profile used, the consultation and its forecast.
  db->RecordConsultation(o.client, today, std::filesystem::path(o.measure.profile).filename().string(),
                         setup.has_profile ? &setup.profile : nullptr, m, plan_pb, o.report, fpb);

  if (o.json) {
    nlohmann::json comps = nlohmann::json::array();
    for (const auto& c : plan.recipe.components) comps.push_back({{"pigment", c.pigment}, {"parts", c.parts}, {"fraction", c.fraction}});
    nlohmann::json sessions = nlohmann::json::array();
    for (size_t i = 0; i < plan.sessions.size(); ++i) {
      const auto& s = plan.sessions[i];
      sessions.push_back({{"session", s.session}, {"date", planned.sessions(record.sessions_size() + int(i)).date()},
                          {"load", s.load}, {"water_ml_per_ml", s.water_ml_per_ml}, {"predicted_lab", LabJson(s.predicted_lab)},
                          {"note", s.note}});
    }
    PrintJson({{"client_id", o.client},
               {"date", today},
               {"follicle", {{"lab", LabJson(follicle)}, {"count", m.follicle().count()}, {"spread_de00", m.follicle().spread_de00()}}},
               {"skin", {{"lab", LabJson(skin_lab)}, {"melanin", skin.skin.melanin}, {"blood", skin.skin.blood},
                         {"within_model", skin.within_model}}},
               {"undertone", {{"class", m.undertone().class_()}, {"ita_deg", m.undertone().ita_deg()}, {"monk", m.undertone().monk()}}},
               {"quality", {{"flags", std::vector<std::string>(m.quality().flags().begin(), m.quality().flags().end())}}},
               {"reachable", plan.reachable},
               {"miss", plan.miss},
               {"recipe", {{"components", comps}, {"load", plan.recipe.load}, {"units", o.units}}},
               {"predicted", {{"healed_lab", LabJson(plan.recipe.predicted_lab)}, {"de00", plan.recipe.de00}}},
               {"sessions", sessions},
               {"touch_up", {{"date", fpb.touchup_p50()}, {"p10", fpb.touchup_p10()}, {"p90", fpb.touchup_p90()},
                             {"p_none_within_horizon", fpb.p_no_touchup()}}},
               {"report", o.report}});
    return kExitOk;
  }
  std::printf("Consultation for %s on %s\n", o.client.c_str(), today.c_str());
  std::printf("  follicle shade  L* %5.1f a* %5.1f b* %5.1f  (%d follicles)\n", follicle[0], follicle[1], follicle[2],
              m.follicle().count());
  std::printf("  skin            L* %5.1f a* %5.1f b* %5.1f  (%s undertone)\n", skin_lab[0], skin_lab[1], skin_lab[2],
              m.undertone().class_().c_str());
  std::string mix;
  for (const auto& c : plan.recipe.components) mix += (mix.empty() ? "" : " + ") + c.pigment + " " + AmountText(c, mo.units);
  std::printf("  mix             %s%s\n", mix.c_str(), plan.reachable ? "" : ("  (target not reachable: " + plan.miss + ")").c_str());
  for (const auto& s : plan.sessions)
    std::printf("  session %d       1 ml mix + %.1f ml distilled water   (%s)\n", s.session, s.water_ml_per_ml, s.note.c_str());
  if (!fpb.touchup_p50().empty())
    std::printf("  touch-up        around %s (likely %s .. %s)\n", fpb.touchup_p50().c_str(),
                fpb.touchup_p10().empty() ? "-" : fpb.touchup_p10().c_str(),
                fpb.touchup_p90().empty() ? "beyond the horizon" : fpb.touchup_p90().c_str());
  else
    std::printf("  touch-up        not expected within %.0f years\n", po.forecast.years);
  for (const auto& msg : m.quality().messages()) std::printf("  WARNING: %s\n", msg.c_str());
  if (!o.report.empty()) std::printf("  report          %s\n", o.report.c_str());
  return kExitOk;
}

void RegisterConsult(CLI::App& app, Action& action) {
  auto o = std::make_shared<ConsultOptions>();
  CLI::App* c = app.add_subcommand("consult", "The consultation: measure, recipe and session plan, forecast, stored, report");
  c->add_option("--client", o->client, "client id (see `shadecast client add`)")->required();
  c->add_option("--image", o->measure.image, "scalp photo")->required();
  auto* prof = c->add_option("--profile", o->measure.profile, "camera profile from `shadecast calibrate`");
  auto* cif = c->add_flag("--chart-in-frame", o->measure.chart_in_frame, "take colour from the ColorChecker Nano in the photo");
  c->add_option("--skin-model", o->measure.skin_model, kSkinModelHelp)
      ->capture_default_str();
  c->add_option("--chart-model", o->measure.chart_model, kChartModelHelp)
      ->capture_default_str();
  prof->excludes(cif);
  c->add_option("--report", o->report, "write the consultation report (self-contained HTML)");
  c->add_option("--sessions", o->sessions, "number of sessions")->capture_default_str();
  c->add_option("--units", o->units, "pourable units: pct5 or parts10")->capture_default_str();
  c->add_option("--params", o->params, "optics parameters file");
  c->add_option("--library", o->library, "pigment library");
  c->add_option("--priors", o->priors, "fade priors (from `shadecast fade fit-cohort`)");
  c->add_option("--draws", o->draws, "Monte Carlo draws of the forecast")->capture_default_str();
  c->add_option("--seed", o->seed, "random seed of the forecast")->capture_default_str();
  c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
  c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
  c->add_flag("--json", o->json, "JSON output");
  c->callback([&action, o] { action = [o] { return RunConsult(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(55, "consult", RegisterConsult);

}  // namespace shadecast::cli
