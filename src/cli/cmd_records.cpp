// shadecast client add|list|show|erase, session add, visit add, export, import, due.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <functional>

#include "cli/commands.h"
#include "cli/history_csv.h"
#include "cli/inputs.h"
#include "cli/measure_inputs.h"
#include "cli/records.h"
#include "cli/followup.h"
#include "cli/records_json.h"
#include "store/image_io.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {
namespace fs = std::filesystem;

// ---- client -------------------------------------------------------------------------------------
struct ClientOptions {
  std::string db, id, name, as_of;
  double uv = 1.0, ita = 0;
  bool oily = false, scarring = false, json = false;
};

int RunClientAdd(const ClientOptions& o) {
  if (const std::string why = ClientIdProblem(o.id); !why.empty()) throw InputError(why);
  CheckRange(o.uv, 0, 2, "--uv", "a sun exposure (0 indoors, 1 typical, 2 high)");
  CheckRange(o.ita, -90, 90, "--ita", "an ITA angle in degrees");
  const std::string today = Today(o.as_of);
  auto db = OpenDatabase(o.db);
  pb::Covariates cov;
  cov.set_uv_exposure(o.uv);
  cov.set_ita_deg(o.ita);
  cov.set_oily_scalp(o.oily);
  cov.set_scarring(o.scarring);
  try {
    db->AddClient(o.id, o.name, cov, today);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
  if (o.json)
    PrintJson({{"client_id", o.id}, {"name", o.name}, {"created", today}});
  else
    std::printf("added client %s%s%s\n", o.id.c_str(), o.name.empty() ? "" : ": ", TerminalSafe(o.name).c_str());
  return kExitOk;
}

int RunClientList(const ClientOptions& o) {
  auto db = OpenDatabase(o.db);
  const auto clients = db->ListClients();
  if (o.json) {
    PrintJson(ClientsJson(clients));
    return kExitOk;
  }
  std::printf("%-16s %-24s %8s %7s %12s %12s\n", "client", "name", "sessions", "visits", "last session", "last visit");
  for (const auto& c : clients)
    std::printf("%-16s %-24s %8d %7d %12s %12s\n", TerminalSafe(c.id).c_str(), TerminalSafe(c.name).c_str(), c.sessions, c.visits,
                c.last_session.c_str(), c.last_visit.c_str());
  return kExitOk;
}

pb::ClientHistory LoadHistory(store::Database& db, const std::string& id) {
  try {
    return db.History(id);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
}

int RunClientShow(const ClientOptions& o) {
  auto db = OpenDatabase(o.db);
  const pb::ClientHistory h = LoadHistory(*db, o.id);
  if (o.json) {
    PrintJson(MessageToJson(h));
    return kExitOk;
  }
  std::printf("client %s  %s\n", TerminalSafe(h.client_id()).c_str(), TerminalSafe(h.name()).c_str());
  for (const auto& s : h.sessions()) {
    std::string mix;
    for (const auto& c : s.recipe().components()) mix += (mix.empty() ? "" : " + ") + c.pigment() + " " + std::to_string(int(std::lround(c.fraction() * 100))) + " %";
    std::printf("  %s  session  %s  load %.2f\n", s.date().c_str(), mix.c_str(), s.recipe().load());
  }
  for (const auto& v : h.follow_ups())
    std::printf("  %s  visit    dot L* %.1f a* %.1f b* %.1f   skin L* %.1f a* %.1f b* %.1f\n", v.date().c_str(),
                v.dot_lab().l(), v.dot_lab().a(), v.dot_lab().b(), v.skin_lab().l(), v.skin_lab().a(), v.skin_lab().b());
  return kExitOk;
}

int RunClientErase(const ClientOptions& o) {
  auto db = OpenDatabase(o.db);
  if (!db->EraseClient(o.id)) throw InputError("no client '" + o.id + "' in " + db->path().string());
  if (o.json)
    PrintJson({{"erased", o.id}});
  else
    std::printf("erased client %s and everything recorded about them\n", o.id.c_str());
  return kExitOk;
}

// ---- session / visit ----------------------------------------------------------------------------
struct SessionOptions {
  std::string db, client, date, recipe, library, notes, as_of;
  double load = 1.0, depth_mm = 0, dot_diameter_mm = 0, water = 0;
  bool json = false;
  bool load_given = false, water_given = false;  // set from the flags' counts (any value may be given)
};

int RunSessionAdd(const SessionOptions& o) {
  const std::string today = Today(o.as_of);
  const std::string date = CheckDate(o.date, "--date", today);
  const auto lib = LoadLibrary(o.library);
  const optics::Blend blend = ParseBlend(o.recipe, *lib, "--recipe");
  double load = o.load;
  if (o.load_given && o.water_given)
    throw InputError("--load and --water-ml-per-ml say the same thing twice: give one (the dilution, e.g. --water-ml-per-ml 7)");
  // -1 was the "not given" value and was stored as given (issue 23): the flag's count decides.
  if (o.water_given) CheckRange(o.water, 0, 50, "--water-ml-per-ml", "ml of water per ml of ink");
  CheckRange(o.depth_mm, 0, 5, "--depth-mm", "a needle depth in mm (0: not recorded)");
  CheckRange(o.dot_diameter_mm, 0, 3, "--dot-diameter-mm", "a dot diameter in mm (0: not recorded)");
  if (o.water_given) load = 1.0 / (1.0 + o.water);  // 1 ml ink + water ml
  if (!(load > 0 && load <= 1.0)) throw InputError("--load: expected a relative load in (0, 1]");
  pb::TreatmentSession s;
  s.set_date(date);
  for (const auto& c : blend) {
    auto* comp = s.mutable_recipe()->add_components();
    comp->set_pigment(c.pigment->id);
    comp->set_fraction(c.fraction);
    comp->set_parts(static_cast<int>(std::lround(c.fraction * 20)));
  }
  s.mutable_recipe()->set_load(load);
  s.set_depth_mm(o.depth_mm);
  s.set_dot_diameter_mm(o.dot_diameter_mm);
  s.set_notes(o.notes);
  auto db = OpenDatabase(o.db);
  try {
    pb::ClientHistory h = db->History(o.client);
    *h.add_sessions() = s;
    ValidateHistory(h, db->path().string());
    db->AddSession(o.client, s);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
  if (o.json)
    PrintJson(MessageToJson(s));
  else
    std::printf("recorded session %s for %s\n", date.c_str(), o.client.c_str());
  return kExitOk;
}

pb::FollowUp RecordVisit(const VisitOptions& o) {
  const std::string today = Today(o.as_of);
  const std::string date = CheckDate(o.date, "--date", today);
  pb::FollowUp v;
  v.set_date(date);
  std::optional<pb::Measurement> measured;
  std::optional<MeasureSetup> setup;
  if (!o.measure.image.empty()) {
    if (!o.dot_lab.empty() || !o.skin_lab.empty()) throw InputError("give either --image or --dot-lab/--skin-lab, not both");
    MeasureCliOptions mo = o.measure;
    mo.target = "dots";
    setup = LoadMeasureSetup(mo);
    const Photo photo = ReadPhoto(mo.image);
    measured = MeasureOne(*setup, photo).measurement;
    if (measured->dots().count() == 0)
      throw InputError(mo.image + ": no pigment dots found; is this a treated area, in focus and in frame?");
    *v.mutable_dot_lab() = measured->dots().lab();
    *v.mutable_skin_lab() = measured->skin();
    v.set_photo_sha256(store::Sha256Hex(photo.bytes));
    v.set_profile(mo.profile.empty() ? "chart in frame" : fs::path(mo.profile).filename().string());
    measured->set_image_sha256(v.photo_sha256());
    measured->set_date(date);
  } else {
    if (o.dot_lab.empty() || o.skin_lab.empty())
      throw InputError("give --dot-lab L,a,b and --skin-lab L,a,b, or --image with --profile or --chart-in-frame");
    const color::Lab dot = ParseTriple(o.dot_lab, "--dot-lab"), skin = ParseTriple(o.skin_lab, "--skin-lab");
    CheckRange(dot[0], 0, 100, "--dot-lab", "an L* (the first of L,a,b)");
    CheckRange(skin[0], 0, 100, "--skin-lab", "an L* (the first of L,a,b)");
    v.mutable_dot_lab()->set_l(dot[0]);
    v.mutable_dot_lab()->set_a(dot[1]);
    v.mutable_dot_lab()->set_b(dot[2]);
    v.mutable_skin_lab()->set_l(skin[0]);
    v.mutable_skin_lab()->set_a(skin[1]);
    v.mutable_skin_lab()->set_b(skin[2]);
  }
  auto db = OpenDatabase(o.db);
  try {
    pb::ClientHistory h = db->History(o.client);
    *h.add_follow_ups() = v;
    ValidateHistory(h, db->path().string());
    db->RecordVisit(o.client, v, measured ? &*measured : nullptr, v.profile(),
                    setup && setup->has_profile ? &setup->profile : nullptr, today);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
  return v;
}

int RunVisitAdd(const VisitOptions& o) {
  const pb::FollowUp v = RecordVisit(o);
  if (o.json)
    PrintJson(MessageToJson(v));
  else
    std::printf("recorded visit %s for %s\n", v.date().c_str(), o.client.c_str());
  return kExitOk;
}

// ---- export / import ----------------------------------------------------------------------------
struct ExportOptions {
  std::string db, client, out;
  bool json = false;
};

int RunExport(const ExportOptions& o) {
  auto db = OpenDatabase(o.db);
  const pb::ClientHistory h = LoadHistory(*db, o.client);
  if (fs::path(o.out).extension() == ".csv")
    store::WriteFileAtomic(o.out, HistoryToCsv(h));
  else
    store::WriteMessageAtomic(o.out, h);
  if (o.json)
    PrintJson({{"client_id", o.client}, {"out", o.out}, {"sessions", h.sessions_size()}, {"visits", h.follow_ups_size()}});
  else
    std::printf("exported %s (%d sessions, %d visits) to %s\n", o.client.c_str(), h.sessions_size(), h.follow_ups_size(),
                o.out.c_str());
  return kExitOk;
}

int ImportHistories(const ImportOptions& o, const std::function<void(int, int)>& progress) {
  const std::string today = Today(o.as_of);
  const std::vector<fs::path> files = CollectHistoryFiles(o.inputs, "import");
  // Everything is read and checked before the first write.
  std::vector<std::string> pigment_ids;
  const auto library = LoadLibrary(o.library);  // held: the loop below reads into it
  for (const auto& p : library->proto.pigments()) pigment_ids.push_back(p.id());
  std::vector<pb::ClientHistory> histories;
  for (const auto& f : files) {
    pb::ClientHistory h = ReadHistoryFile(f);
    ValidateHistory(h, f.string());
    CheckHistoryPigments(h, pigment_ids, f.string());
    histories.push_back(std::move(h));
  }
  auto db = OpenDatabase(o.db);
  int done = 0;
  for (size_t i = 0; i < histories.size(); ++i) {
    try {
      db->ImportHistory(histories[i], o.replace, today);  // one transaction per client
    } catch (const store::DatabaseError& e) {
      throw InputError(files[i].string() + ": " + e.what() + " (" + std::to_string(done) + " clients imported before it)");
    }
    ++done;
    progress(done, static_cast<int>(files.size()));
  }
  return done;
}

int RunImport(const ImportOptions& o) {
  bool shown = false;
  const int done = ImportHistories(o, [&](int d, int n) {
    if (n <= 20 || o.json) return;
    std::fprintf(stderr, "\rimported %d/%d", d, n);
    shown = true;
  });
  if (shown) std::fprintf(stderr, "\n");
  if (o.json)
    PrintJson({{"imported", done}});
  else
    std::printf("imported %d client%s\n", done, done == 1 ? "" : "s");
  return kExitOk;
}

// ---- due ----------------------------------------------------------------------------------------
struct DueOptions {
  std::string db, within = "60d", as_of;
  bool json = false, csv = false;
};

int RunDue(const DueOptions& o) {
  const int days = ParseWithinDays(o.within);
  const std::string today = Today(o.as_of);
  const std::string until = AddDays(today, days);
  auto db = OpenDatabase(o.db);
  const auto due = db->Due(until);
  if (o.json) {
    PrintJson(DueJson(due, today, until));
  } else if (o.csv) {
    std::printf("client_id,name,touch_up,touch_up_p10,touch_up_p90,last_seen\n");
    for (const auto& d : due)
      std::printf("%s,%s,%s,%s,%s,%s\n", d.client_id.c_str(), d.name.c_str(), d.touch_up_p50.c_str(),
                  d.touch_up_p10.c_str(), d.touch_up_p90.c_str(), d.last_seen.c_str());
  } else {
    std::printf("Touch-ups due by %s (%d days from %s): %zu\n", until.c_str(), days, today.c_str(), due.size());
    std::printf("%-16s %-22s %-12s %-25s %-12s\n", "client", "name", "due", "likely between", "last seen");
    for (const auto& d : due)
      std::printf("%-16s %-22s %-12s %-25s %-12s%s\n", TerminalSafe(d.client_id).c_str(), TerminalSafe(d.name).c_str(), d.touch_up_p50.c_str(),
                  (d.touch_up_p10 + " .. " + d.touch_up_p90).c_str(), d.last_seen.c_str(),
                  d.touch_up_p50 < today ? "  overdue" : "");
  }
  return kExitOk;
}

void AddDb(CLI::App* cmd, std::string& db) {
  cmd->add_option("--db", db, "database file (default $SHADECAST_DB or ./shadecast.db)");
}

void RegisterRecords(CLI::App& app, Action& action) {
  CLI::App* client = app.add_subcommand("client", "Client records: add, list, show, erase");
  client->require_subcommand(1);
  {
    auto o = std::make_shared<ClientOptions>();
    CLI::App* c = client->add_subcommand("add", "Add a client");
    c->add_option("ID", o->id, "client id (letters, digits, _ - .)")->required();
    c->add_option("--name", o->name, "name as the clinic knows the client");
    c->add_option("--uv", o->uv, "UV exposure: 0 indoors, 1 typical, 2 high")->capture_default_str();
    c->add_flag("--oily", o->oily, "oily scalp");
    c->add_flag("--scarring", o->scarring, "scarring in the treated area");
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunClientAdd(*o); }; });
  }
  {
    auto o = std::make_shared<ClientOptions>();
    CLI::App* c = client->add_subcommand("list", "List clients");
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunClientList(*o); }; });
  }
  {
    auto o = std::make_shared<ClientOptions>();
    CLI::App* c = client->add_subcommand("show", "Show a client's history");
    c->add_option("ID", o->id, "client id")->required();
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output (the ClientHistory message)");
    c->callback([&action, o] { action = [o] { return RunClientShow(*o); }; });
  }
  {
    auto o = std::make_shared<ClientOptions>();
    CLI::App* c = client->add_subcommand("erase", "Remove a client and everything about them (right to erasure)");
    c->add_option("ID", o->id, "client id")->required();
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunClientErase(*o); }; });
  }

  CLI::App* session = app.add_subcommand("session", "Treatment sessions");
  session->require_subcommand(1);
  {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* c = session->add_subcommand("add", "Record a treatment session");
    c->add_option("--client", o->client, "client id")->required();
    c->add_option("--date", o->date, "session date YYYY-MM-DD")->required();
    c->add_option("--recipe", o->recipe, "ink mix, e.g. carbon_black:9,iron_oxide_red:1")->required();
    auto* load = c->add_option("--load", o->load, "relative load of the mix (1 = undiluted)");
    auto* water = c->add_option("--water-ml-per-ml", o->water, "dilution as ml of water per ml of mix (instead of --load)");
    c->add_option("--depth-mm", o->depth_mm, "needle depth setting");
    c->add_option("--dot-diameter-mm", o->dot_diameter_mm, "dot diameter");
    c->add_option("--notes", o->notes, "free text");
    c->add_option("--library", o->library, "pigment library");
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o, load, water] {
      o->load_given = load->count() > 0;
      o->water_given = water->count() > 0;
      action = [o] { return RunSessionAdd(*o); };
    });
  }

  CLI::App* visit = app.add_subcommand("visit", "Follow-up visits");
  visit->require_subcommand(1);
  {
    auto o = std::make_shared<VisitOptions>();
    CLI::App* c = visit->add_subcommand("add", "Record a follow-up measurement (dot and skin L*a*b* D50)");
    c->add_option("--client", o->client, "client id")->required();
    c->add_option("--date", o->date, "visit date YYYY-MM-DD")->required();
    c->add_option("--dot-lab", o->dot_lab, "healed dot L,a,b (D50), e.g. from `measure --target dots`");
    c->add_option("--skin-lab", o->skin_lab, "surrounding skin L,a,b (D50)");
    c->add_option("--image", o->measure.image, "a photo of the treated area: the dots and skin are measured");
    c->add_option("--profile", o->measure.profile, "camera profile for --image");
    c->add_flag("--chart-in-frame", o->measure.chart_in_frame, "take colour from the ColorChecker Nano in the photo");
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunVisitAdd(*o); }; });
  }

  {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* c = app.add_subcommand("export", "Export a client's whole history (.textproto, .json, .pb or .csv)");
    c->add_option("--client", o->client, "client id")->required();
    c->add_option("--out", o->out, "output file; the extension chooses the format")->required();
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON summary");
    c->callback([&action, o] { action = [o] { return RunExport(*o); }; });
  }
  {
    auto o = std::make_shared<ImportOptions>();
    CLI::App* c = app.add_subcommand("import", "Import client histories (files or folders); each client wholly in or out");
    c->add_option("INPUT", o->inputs, "history files (.textproto, .json, .pb, .csv) or folders of them")->required();
    c->add_flag("--replace", o->replace, "replace clients that already exist");
    c->add_option("--library", o->library, "pigment library the sessions' inks must be in (default: the shipped one)");
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    AddDb(c, o->db);
    c->add_flag("--json", o->json, "JSON summary");
    c->callback([&action, o] { action = [o] { return RunImport(*o); }; });
  }
  {
    auto o = std::make_shared<DueOptions>();
    CLI::App* c = app.add_subcommand("due", "Clients whose forecast touch-up falls within a window, soonest first");
    c->add_option("--within", o->within, "window: days (60d), weeks (8w) or months (2m)")->capture_default_str();
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    AddDb(c, o->db);
    auto* j = c->add_flag("--json", o->json, "JSON output");
    auto* v = c->add_flag("--csv", o->csv, "CSV for the booking system");
    j->excludes(v);
    c->callback([&action, o] { action = [o] { return RunDue(*o); }; });
  }
}

}  // namespace

nlohmann::json VisitAddJson(const VisitOptions& o) { return MessageToJson(RecordVisit(o)); }

nlohmann::json ImportJson(const ImportOptions& o, const std::function<void(int, int)>& progress) {
  return {{"imported", ImportHistories(o, progress)}};
}

SHADECAST_REGISTER_COMMAND(60, "client", RegisterRecords);

}  // namespace shadecast::cli
