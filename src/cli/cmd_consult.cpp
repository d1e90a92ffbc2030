// shadecast consult: measure -> skin inversion -> recipe and session plan -> prior forecast ->
// stored in the client's record, and the report written.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "blend/look.h"
#include "blend/recipe.h"
#include "color/appearance_pb.h"
#include "cli/commands.h"
#include "cli/consult.h"
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

color::Lab ToLab(const pb::Lab& l) { return {l.l(), l.a(), l.b()}; }
void SetLab(pb::Lab* out, const color::Lab& l) {
  out->set_l(l[0]);
  out->set_a(l[1]);
  out->set_b(l[2]);
}


// The stubble's look from the measurement (follicle.near, follicle.regional, density).
blend::StubbleLook StubbleFrom(const pb::Measurement& m, const std::string& image) {
  const pb::BlobSet& f = m.follicle();
  if (f.count() == 0 || f.near().lab_size() != 3)
    throw InputError(image + ": no follicles found, so there is no shade to match; retake the photo closer, "
                             "in focus, with the area's follicles in frame (docs/capture.md)");
  blend::StubbleLook st;
  st.skin = ToLab(m.skin());
  st.near = {f.near().lab(0), f.near().lab(1), f.near().lab(2)};
  st.near_diameter_mm = f.near().diameter_mm();
  if (f.regional().lab_size() == 3) {
    st.regional = {f.regional().lab(0), f.regional().lab(1), f.regional().lab(2)};
    st.has_regional = true;
  }
  st.density_per_cm2 = f.density_per_cm2();
  return st;
}

color::Lab LabOf(const pb::NearLook& n) { return {n.lab(0), n.lab(1), n.lab(2)}; }

// The look match as the stored session plan (dates from `start_day`).
pb::SessionPlan PlanMessage(const blend::LookMatchResult& r, const color::ViewingOptions& v, int start_day) {
  pb::SessionPlan p;
  const blend::LookRecipe& rc = r.recipe;
  auto* rec = p.mutable_recipe();
  auto add = [&](const std::string& id, double share) {
    if (id.empty() || share <= 0) return;
    auto* c = rec->add_components();
    c->set_pigment(id);
    c->set_parts(static_cast<int>(std::lround(share * 20)));
    c->set_fraction(share);
  };
  add(rc.black, 1 - rc.neutralizer_share);
  add(rc.neutralizer, rc.neutralizer_share);
  rec->set_load(rc.load);
  SetLab(rec->mutable_predicted_healed_lab(), rc.look.near.lab);
  rec->set_de00(rc.near_de00);
  color::AppearanceToPb(r.target, v, p.mutable_target_near(), p.mutable_target_regional());
  color::AppearanceToPb(rc.look, v, p.mutable_predicted_near(), p.mutable_predicted_regional());
  p.set_advice(r.advice);
  p.set_needle(rc.needle.name);
  p.set_dot_diameter_mm(rc.needle.healed_diameter_mm);
  p.set_density_per_cm2(rc.density_per_cm2);
  p.set_water_ml_per_ml(rc.water_ml_per_ml);
  p.set_neutralizer_share(rc.neutralizer_share);
  p.set_shade(blend::ShadeWords(rc.water_ml_per_ml, rc.neutralizer, rc.neutralizer_share));
  p.set_near_de00(rc.near_de00);
  p.set_regional_de00(rc.regional_de00);
  for (const auto& s : r.sessions) {
    auto* ps = p.add_sessions();
    ps->set_session(s.session);
    ps->set_load(s.load);
    ps->set_water_ml_per_ml(s.water_ml_per_ml);
    SetLab(ps->mutable_predicted_lab(), s.healed.near.lab);
    ps->set_shade(s.shade);
    ps->set_date(fade::FormatDate(start_day + s.day));
    ps->set_needle(s.needle.name);
    ps->set_dot_diameter_mm(s.needle.healed_diameter_mm);
    ps->set_density_per_cm2(s.density_per_cm2);
    ps->set_hairline_density_per_cm2(s.hairline_density_per_cm2);
    color::AppearanceToPb(s.fresh, v, ps->mutable_fresh_near(), ps->mutable_fresh_regional());
    color::AppearanceToPb(s.healed, v, ps->mutable_healed_near(), ps->mutable_healed_regional());
    ps->set_note(s.note);
  }
  p.set_reachable(r.reachable);
  p.set_miss_direction(r.reachable ? "" : r.advice);
  return p;
}

// The prior forecast: the planned sessions on the measured skin, each at its shade's load.
pb::ClientHistory PlannedHistory(const pb::ClientHistory& record, const pb::SessionPlan& plan, const color::Lab& skin,
                                 const color::Lab& follicle, const std::string& today) {
  pb::ClientHistory planned = record;
  SetLab(planned.mutable_skin_lab(), skin);
  SetLab(planned.mutable_follicle_lab(), follicle);
  for (const auto& s : plan.sessions()) {
    auto* ts = planned.add_sessions();
    ts->set_date(s.date());
    *ts->mutable_recipe() = plan.recipe();
    ts->mutable_recipe()->set_load(std::max(1e-4, s.load()));
    ts->set_notes("planned at consultation " + today);
  }
  return planned;
}

std::string UndertoneWords(const pb::Undertone& u) {
  char ut[240];
  std::snprintf(ut, sizeof ut, "%s (hue %.0f deg, chroma %.1f); skin tone %s (ITA %.0f deg); closest Monk swatch %d of 10 "
                "(1 lightest, 10 darkest)", u.class_().c_str(), u.hue_deg(), u.chroma(), u.ita_category().c_str(),
                u.ita_deg(), u.monk());
  return ut;
}

struct Consultation {
  const ConsultOptions* o = nullptr;
  std::string today;
  pb::ClientHistory record;
  MeasureSetup setup;
  Photo photo;
  measure::MeasureResult mr;
  pb::Measurement m;
  optics::SkinFitResult skin;
  color::ViewingOptions viewing;
  blend::LookMatchResult look;
  pb::SessionPlan plan;
  fade::ForecastResult fc;
  pb::Forecast fpb;
  double horizon_years = 0;
};

std::string OverlayPng(const Consultation& c) {
  return store::EncodeImage(DrawOverlay(c.photo.image, c.mr, 900), store::ImageFormat::kPng, store::ImageWriteOptions{});
}

void WriteReport(const Consultation& c) {
  const ConsultOptions& o = *c.o;
  const pb::Measurement& m = c.m;
  report::ReportData d;
  d.client_id = o.client;
  d.client_name = c.record.name();
  d.clinic_name = o.clinic_name;
  d.date = c.today;
  d.follicle = {"Stubble close up (0.4 m)", LabOf(m.follicle().near())};
  d.skin = {"Skin", ToLab(m.skin())};
  d.undertone = UndertoneWords(m.undertone());
  for (const auto& msg : m.quality().messages()) d.warnings.push_back("Photo: " + msg);
  if (!c.skin.within_model) d.warnings.push_back("The skin colour lies outside the skin model: predictions are less certain.");
  if (!c.look.advice.empty()) d.warnings.push_back((c.look.reachable ? "Note: " : "Not reachable: ") + c.look.advice);
  d.photo_png = OverlayPng(c);
  d.photo_caption = std::to_string(m.follicle().count()) + " follicles detected (green); skin sample in orange.";
  for (const auto& pc : c.plan.recipe().components())
    d.mix.push_back({pc.pigment(), std::to_string(static_cast<int>(std::lround(pc.fraction() * 100))) + " %"});
  const blend::LookRecipe& rc = c.look.recipe;
  char words[200];
  std::snprintf(words, sizeof words, "%s; needle %s (healed dot about %.2f mm); %.0f dots per cm2", c.plan.shade().c_str(),
                rc.needle.name.c_str(), rc.needle.healed_diameter_mm, rc.density_per_cm2);
  d.recipe_words = words;
  d.predicted = {"Healed dots close up (predicted)", rc.look.near.lab};
  d.predicted_de00 = rc.near_de00;
  d.reachable = c.look.reachable;
  d.miss = c.look.advice;
  d.look.push_back({"Close up (0.4 m)", "the technician, a mirror", c.look.target.near.lab, rc.look.near.lab, rc.near_de00});
  d.look.push_back({"From 1.5 m", "people around the client", c.look.target.regional.lab, rc.look.regional.lab, rc.regional_de00});
  for (const auto& s : c.plan.sessions())
    d.sessions.push_back({s.session(), s.water_ml_per_ml(), ToLab(s.predicted_lab()), s.note(), s.date(), s.shade(), s.needle(),
                          s.density_per_cm2(), s.hairline_density_per_cm2()});
  for (const auto& p : c.fc.series) {
    const double y = (p.day - c.fc.last_session_day) / 365.25;
    if (y >= 0) d.fade.push_back({y, p.contrast_de00.p10, p.contrast_de00.p50, p.contrast_de00.p90});
  }
  for (const auto& t : c.fc.triggers)
    if (t.kind == fade::TriggerKind::kContrastLoss) d.trigger_contrast = c.fc.healed_contrast_de00.p50 * (1 - t.threshold);
  if (c.fc.touch_up.p50_day) d.touch_up_years = (*c.fc.touch_up.p50_day - c.fc.last_session_day) / 365.25;
  d.touch_up_date = c.fpb.touchup_p50();
  d.touch_up_p10 = c.fpb.touchup_p10().empty() ? "-" : c.fpb.touchup_p10();
  d.touch_up_p90 = c.fpb.touchup_p90().empty() ? "beyond the horizon" : c.fpb.touchup_p90();
  d.forecast_note = "Prior forecast from population fading rates; it is refitted from this client's own follow-up photos.";
  if (c.setup.has_profile) {
    d.profile_name = o.measure.profile;
    d.profile_model = pb::ColorModel_Name(c.setup.profile.model());
    d.profile_loo_mean_de00 = c.setup.profile.loo().mean_de00();
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

nlohmann::json LookJson(const pb::NearLook& n, const pb::RegionalLook& r) {
  return {{"near", {{"lab", std::vector<double>(n.lab().begin(), n.lab().end())}, {"delta_l", n.delta_l()},
                    {"delta_c", n.delta_c()}, {"delta_h_deg", n.delta_h_deg()}, {"diameter_mm", n.diameter_mm()}}},
          {"regional", {{"lab", std::vector<double>(r.lab().begin(), r.lab().end())}, {"de00_to_skin", r.de00_to_skin()},
                        {"texture_l", r.texture_l()}}}};
}

nlohmann::json BuildConsultJson(const Consultation& c) {
  const ConsultOptions& o = *c.o;
  const pb::Measurement& m = c.m;
  const pb::SessionPlan& p = c.plan;
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& pc : p.recipe().components())
    comps.push_back({{"pigment", pc.pigment()}, {"parts", pc.parts()}, {"fraction", pc.fraction()}});
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& s : p.sessions())
    sessions.push_back({{"session", s.session()}, {"date", s.date()}, {"load", s.load()}, {"water_ml_per_ml", s.water_ml_per_ml()},
                        {"shade", s.shade()}, {"needle", s.needle()}, {"dot_diameter_mm", s.dot_diameter_mm()},
                        {"density_per_cm2", s.density_per_cm2()}, {"hairline_density_per_cm2", s.hairline_density_per_cm2()},
                        {"predicted_lab", LabJson(ToLab(s.predicted_lab()))},
                        {"fresh", LookJson(s.fresh_near(), s.fresh_regional())},
                        {"healed", LookJson(s.healed_near(), s.healed_regional())}, {"note", s.note()}});
  const color::Lab skin_lab = ToLab(m.skin());
  const nlohmann::json look = LookJson(m.follicle().near(), m.follicle().regional());
  return nlohmann::json{{"client_id", o.client},
             {"date", c.today},
             {"follicle", {{"lab", LabJson(ToLab(m.follicle().lab()))}, {"count", m.follicle().count()},
                           {"spread_de00", m.follicle().spread_de00()}, {"density_per_cm2", m.follicle().density_per_cm2()},
                           {"near", look.at("near")}, {"regional", look.at("regional")}}},
             {"skin", {{"lab", LabJson(skin_lab)}, {"melanin", c.skin.skin.melanin}, {"blood", c.skin.skin.blood},
                       {"within_model", c.skin.within_model}}},
             {"undertone", {{"class", m.undertone().class_()}, {"ita_deg", m.undertone().ita_deg()}, {"monk", m.undertone().monk()}}},
             {"quality", {{"flags", std::vector<std::string>(m.quality().flags().begin(), m.quality().flags().end())},
                          {"confidence", m.quality().confidence()}}},
             {"reachable", p.reachable()},
             {"miss", p.miss_direction()},
             {"advice", p.advice()},
             {"target", LookJson(p.target_near(), p.target_regional())},
             {"recipe", {{"components", comps}, {"load", p.recipe().load()}, {"units", "pct5"}, {"shade", p.shade()},
                         {"water_ml_per_ml", p.water_ml_per_ml()}, {"neutralizer_share", p.neutralizer_share()},
                         {"needle", p.needle()}, {"dot_diameter_mm", p.dot_diameter_mm()},
                         {"density_per_cm2", p.density_per_cm2()}, {"near_de00", p.near_de00()},
                         {"regional_de00", p.regional_de00()}, {"predicted", LookJson(p.predicted_near(), p.predicted_regional())}}},
             {"predicted", {{"healed_lab", LabJson(ToLab(p.recipe().predicted_healed_lab()))}, {"de00", p.recipe().de00()}}},
             {"sessions", sessions},
             {"touch_up", {{"date", c.fpb.touchup_p50()}, {"p10", c.fpb.touchup_p10()}, {"p90", c.fpb.touchup_p90()},
                           {"p_none_within_horizon", c.fpb.p_no_touchup()}}},
             {"report", o.report}};
}

std::string Closeness(double de00) {
  if (de00 <= 1.0) return "looks the same";
  if (de00 <= 2.0) return "barely different";
  if (de00 <= 3.5) return "a slight difference";
  return "a visible difference";
}

void PrintConsultText(const Consultation& c) {
  const ConsultOptions& o = *c.o;
  const pb::Measurement& m = c.m;
  const pb::SessionPlan& p = c.plan;
  const color::Lab skin_lab = ToLab(m.skin());
  const color::Lab near = LabOf(m.follicle().near());
  std::printf("Consultation for %s on %s\n", o.client.c_str(), c.today.c_str());
  std::printf("  stubble close up  L* %5.1f a* %5.1f b* %5.1f  (%d follicles, %.0f per cm2; %.1f L* darker than the skin)\n",
              near[0], near[1], near[2], m.follicle().count(), m.follicle().density_per_cm2(), -m.follicle().near().delta_l());
  std::printf("  skin              L* %5.1f a* %5.1f b* %5.1f  (%s undertone)\n", skin_lab[0], skin_lab[1], skin_lab[2],
              m.undertone().class_().c_str());
  if (!p.advice().empty()) std::printf("  %s %s\n", p.reachable() ? "note:" : "NOT REACHABLE:", p.advice().c_str());
  std::string mix;
  for (const auto& pc : p.recipe().components())
    mix += (mix.empty() ? "" : " + ") + pc.pigment() + " " + std::to_string(static_cast<int>(std::lround(pc.fraction() * 100))) + " %";
  std::printf("  ink               %s\n", mix.c_str());
  std::printf("  recipe            %s, needle %s (healed dot about %.2f mm), %.0f dots per cm2\n", p.shade().c_str(),
              p.needle().c_str(), p.dot_diameter_mm(), p.density_per_cm2());
  std::printf("  healed look       close up %.1f dE00 (%s); from 1.5 m %.1f dE00 (%s)\n", p.near_de00(),
              Closeness(p.near_de00()).c_str(), p.regional_de00(), Closeness(p.regional_de00()).c_str());
  for (const auto& s : p.sessions())
    std::printf("  session %d %s  %s, %.0f dots/cm2 (%.0f at the hairline)  (%s)\n", s.session(), s.date().c_str(),
                s.shade().c_str(), s.density_per_cm2(), s.hairline_density_per_cm2(), s.note().c_str());
  if (!c.fpb.touchup_p50().empty())
    std::printf("  touch-up          around %s (likely %s .. %s)\n", c.fpb.touchup_p50().c_str(),
                c.fpb.touchup_p10().empty() ? "-" : c.fpb.touchup_p10().c_str(),
                c.fpb.touchup_p90().empty() ? "beyond the horizon" : c.fpb.touchup_p90().c_str());
  else
    std::printf("  touch-up          not expected within %.0f years\n", c.horizon_years);
  for (const auto& msg : m.quality().messages()) std::printf("  WARNING: %s\n", msg.c_str());
  if (!o.report.empty()) std::printf("  report            %s\n", o.report.c_str());
}

// The whole consultation (measure, match, forecast, report, stored); the CLI and the app's API
// both come through here.
void RunConsultation(const ConsultOptions& o, Consultation& c) {
  c.o = &o;
  RefuseOverwritingInput(o.report, "--report", {o.measure.image, o.measure.profile, DatabasePath(o.db), o.params,
                                                o.library, o.priors});
  c.today = Today(o.as_of);
  auto db = OpenDatabase(o.db);
  if (!db->HasClient(o.client))
    throw InputError("no client '" + o.client + "' in " + db->path().string() + " (add one with `shadecast client add`)");
  c.record = db->History(o.client);
  const int start_day = o.start.empty() ? fade::ParseDate(c.today, "--as-of") : fade::ParseDate(o.start, "--start");

  // 1. Measure: the stubble's look at both distances.
  c.setup = LoadMeasureSetup(o.measure);
  c.photo = ReadPhoto(o.measure.image);
  c.mr = MeasureOne(c.setup, c.photo);
  c.m = c.mr.measurement;
  c.m.set_image_sha256(store::Sha256Hex(c.photo.bytes));
  c.m.set_date(c.today);
  c.m.set_profile(o.measure.profile.empty() ? "chart in frame" : o.measure.profile);
  const blend::StubbleLook stubble = StubbleFrom(c.m, o.measure.image);

  // 2. Skin and the look match (recipe, needle, density, dated session plan).
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  c.skin = optics::FitSkin(stubble.skin, params);
  blend::LookOptions lo;
  lo.sessions = o.sessions;
  lo.interval_days = o.interval_days;
  std::string why;
  if (!lo.IsValid(&why)) throw InputError(why);
  c.viewing = lo.viewing;
  c.look = blend::MatchLook(stubble, c.skin.skin, RecipeCandidates(*lib), params, lo);
  if (c.look.recipe.needle.name.empty())
    throw InputError("client " + o.client + ": " + c.look.advice + " (nothing to plan; see docs/appearance.md)");
  c.plan = PlanMessage(c.look, c.viewing, start_day);

  // 3. Prior forecast from the planned sessions.
  const pb::ClientHistory planned = PlannedHistory(c.record, c.plan, stubble.skin, stubble.near, c.today);
  fade::PipelineOptions po;
  po.forecast.as_of_day = fade::ParseDate(c.today, "--as-of");
  po.forecast.draws = o.draws;
  po.forecast.seed = static_cast<uint64_t>(o.seed);
  c.horizon_years = po.forecast.years;
  const fade::FadePriors priors = LoadPriors(o.priors);
  try {
    c.fc = fade::ForecastHistory(planned, lib->pigments, priors, params, po, o.client);
  } catch (const fade::HistoryError& e) {
    throw InputError(std::string("client ") + o.client + ": " + e.what());
  }
  c.fpb = ForecastMessage(c.fc, o.client, c.today, po.forecast.years, "prior forecast at consultation (no follow-ups yet)");

  // 4. Report, 5. stored in one transaction (the profile used, the consultation, its forecast).
  if (!o.report.empty()) WriteReport(c);
  db->RecordConsultation(o.client, c.today, std::filesystem::path(o.measure.profile).filename().string(),
                         c.setup.has_profile ? &c.setup.profile : nullptr, c.m, c.plan, o.report, c.fpb);
}

int RunConsult(const ConsultOptions& o) {
  Consultation c;
  RunConsultation(o, c);
  if (o.json) PrintJson(BuildConsultJson(c));
  else PrintConsultText(c);
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
  c->add_option("--clinic-name", o->clinic_name, "the clinic's name, printed on the report");
  c->add_option("--sessions", o->sessions, "number of sessions")->capture_default_str();
  c->add_option("--units", o->units, "kept for older scripts; the look match pours in 5 % steps")->capture_default_str();
  c->add_option("--start", o->start, "date of the first session YYYY-MM-DD (default: today)");
  c->add_option("--interval-days", o->interval_days, "days between sessions (10-14)")->capture_default_str();
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

nlohmann::json ConsultJson(const ConsultOptions& o, std::string* overlay_png) {
  Consultation c;
  RunConsultation(o, c);
  if (overlay_png) *overlay_png = OverlayPng(c);
  return BuildConsultJson(c);
}

SHADECAST_REGISTER_COMMAND(55, "consult", RegisterConsult);

}  // namespace shadecast::cli
