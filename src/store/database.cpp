#include "store/database.h"

#include <sqlite3.h>

#include "store/database_impl.h"
#include "validate/validate.h"

#include <csignal>
#include <cstdlib>

namespace shadecast::store {
namespace {

// Schema migrations: kMigrations[i] takes version i to i + 1. Never edit a released step; add one.
const char* const kMigrations[] = {
    // 0 -> 1: clients and their treatment records.
    R"sql(
    CREATE TABLE clients (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL DEFAULT '',
      created TEXT NOT NULL,
      covariates BLOB
    );
    CREATE TABLE profiles (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      created TEXT NOT NULL,
      profile BLOB NOT NULL
    );
    CREATE TABLE sessions (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
      date TEXT NOT NULL,
      session BLOB NOT NULL
    );
    CREATE INDEX sessions_client ON sessions(client_id, date);
    CREATE TABLE visits (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
      date TEXT NOT NULL,
      visit BLOB NOT NULL,
      photo_sha256 TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX visits_client ON visits(client_id, date);
    )sql",
    // 1 -> 2: consultations, forecasts, and a visit's full measurement.
    R"sql(
    ALTER TABLE visits ADD COLUMN measurement BLOB;
    CREATE TABLE consultations (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
      date TEXT NOT NULL,
      measurement BLOB,
      plan BLOB,
      report_path TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE forecasts (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
      created TEXT NOT NULL,
      touch_up_p10 TEXT NOT NULL DEFAULT '',
      touch_up_p50 TEXT NOT NULL DEFAULT '',
      touch_up_p90 TEXT NOT NULL DEFAULT '',
      forecast BLOB NOT NULL
    );
    CREATE INDEX forecasts_client ON forecasts(client_id, id);
    CREATE INDEX forecasts_p50 ON forecasts(touch_up_p50);
    )sql",
    // 2 -> 3: a client's follicle and skin colours as imported (a ClientHistory holding only
    // follicle_lab and skin_lab), so an import keeps them when the client has no consultation.
    R"sql(
    ALTER TABLE clients ADD COLUMN colours BLOB;
    )sql",
    // 3 -> 4: staff accounts of the app (issue 22); the password as an argon2id hash string only.
    R"sql(
    CREATE TABLE staff (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('technician', 'front_desk', 'manager')),
      password_hash TEXT NOT NULL,
      created TEXT NOT NULL,
      failed_logins INTEGER NOT NULL DEFAULT 0,
      locked_until TEXT NOT NULL DEFAULT ''
    );
    )sql",
    // 4 -> 5: the audit log (issue 22): one row per change, written in the change's own transaction;
    // ids only (an erased client leaves its id and no personal data); append-only by trigger.
    R"sql(
    CREATE TABLE audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      object_type TEXT NOT NULL,
      object_id TEXT NOT NULL
    );
    CREATE INDEX audit_object ON audit(object_type, object_id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == Database::kSchemaVersion);

}  // namespace

Database::Database(std::filesystem::path path) : impl_(std::make_unique<Impl>()), path_(std::move(path)) {}

Database::~Database() {
  if (impl_->db) sqlite3_close(impl_->db);
}

std::unique_ptr<Database> Database::Open(const std::filesystem::path& path) {
  std::unique_ptr<Database> d(new Database(path));
  Impl& im = *d->impl_;
  im.name = path.string();
  if (sqlite3_open_v2(path.c_str(), &im.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    throw DatabaseError("cannot open database " + im.name + ": " + (im.db ? sqlite3_errmsg(im.db) : "out of memory"));
  }
  sqlite3_busy_timeout(im.db, 3000);
  // A file that is not SQLite fails here with "file is not a database".
  im.Exec("PRAGMA foreign_keys = ON", "enable foreign keys");
  // Deleted rows are overwritten with zeros, not left in free pages (an erasure leaves no name).
  im.Exec("PRAGMA secure_delete = ON", "enable secure delete");
  {
    Statement wal(im.db, "PRAGMA journal_mode = WAL", im.name);
    wal.Step(im.name);
  }
  im.Exec("PRAGMA synchronous = NORMAL", "set synchronous");
  const int version = im.UserVersion();
  if (version > kSchemaVersion) {
    throw DatabaseError(im.name + ": written by a newer shadecast (schema " + std::to_string(version) +
                        ", this program knows up to " + std::to_string(kSchemaVersion) +
                        "); upgrade shadecast, the file was left unchanged");
  }
  if (version < kSchemaVersion) {
    auto tx = Impl::Transaction::Migration(&im);
    for (int v = version; v < kSchemaVersion; ++v) im.Exec(kMigrations[v], "migrate schema to version " + std::to_string(v + 1));
    im.Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str(), "record the schema version");
    tx.Commit();
  }
  return d;
}

int Database::schema_version() const { return impl_->UserVersion(); }

void Database::AddClient(const std::string& id, const std::string& name, const pb::Covariates& covariates,
                         const std::string& created) {
  Impl::Transaction tx(impl_.get(), {"client.add", "client", id});
  if (HasClient(id)) throw DatabaseError(impl_->name + ": a client '" + id + "' already exists");
  Statement st(impl_->db, "INSERT INTO clients(id, name, created, covariates) VALUES (?, ?, ?, ?)", impl_->name);
  st.Bind(1, id).Bind(2, name).Bind(3, created).BindBlob(4, Serialize(covariates));
  st.Step(impl_->name);
  tx.Commit();
}

bool Database::HasClient(const std::string& id) const {
  Statement st(impl_->db, "SELECT 1 FROM clients WHERE id = ?", impl_->name);
  st.Bind(1, id);
  return st.Step(impl_->name);
}

std::vector<ClientSummary> Database::ListClients() const {
  Statement st(impl_->db,
               "SELECT c.id, c.name, c.created,"
               " (SELECT COUNT(*) FROM sessions s WHERE s.client_id = c.id),"
               " (SELECT COUNT(*) FROM visits v WHERE v.client_id = c.id),"
               " (SELECT MAX(date) FROM sessions s WHERE s.client_id = c.id),"
               " (SELECT MAX(date) FROM visits v WHERE v.client_id = c.id)"
               " FROM clients c ORDER BY c.id",
               impl_->name);
  std::vector<ClientSummary> out;
  while (st.Step(impl_->name))
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4), st.Text(5), st.Text(6)});
  return out;
}

namespace {
void Parsed(bool ok, const std::string& id, const char* what) {
  if (!ok) throw std::runtime_error("the database's record of client '" + id + "' is damaged: " + what + " does not parse");
}
}  // namespace

pb::ClientHistory Database::History(const std::string& id) const {
  impl_->RequireClient(id);
  pb::ClientHistory h;
  {
    Statement st(impl_->db, "SELECT name, covariates, colours FROM clients WHERE id = ?", impl_->name);
    st.Bind(1, id);
    st.Step(impl_->name);
    Parsed(h.ParseFromString(st.Blob(2)), id, "colours");  // the imported follicle and skin colours, if any
    h.set_client_id(id);
    h.set_name(st.Text(0));
    // NULL: imported from a history that recorded none (the fade model's defaults apply).
    if (!st.IsNull(1)) Parsed(h.mutable_covariates()->ParseFromString(st.Blob(1)), id, "covariates");
  }
  {
    Statement st(impl_->db, "SELECT session FROM sessions WHERE client_id = ? ORDER BY date, id", impl_->name);
    st.Bind(1, id);
    while (st.Step(impl_->name)) Parsed(h.add_sessions()->ParseFromString(st.Blob(0)), id, "a session");
  }
  {
    Statement st(impl_->db, "SELECT visit FROM visits WHERE client_id = ? ORDER BY date, id", impl_->name);
    st.Bind(1, id);
    while (st.Step(impl_->name)) Parsed(h.add_follow_ups()->ParseFromString(st.Blob(0)), id, "a follow-up");
  }
  // What was stored passes the same rules as what is imported (a record written by an older
  // version, or edited outside shadecast, is refused here rather than crashing a solver).
  try {
    validate::Validate(h, impl_->name + ": stored record of client '" + id + "'");
  } catch (const validate::ValidationError& e) {
    throw std::runtime_error(e.what());
  }
  {
    // The latest consultation's measurement gives the follicle and skin colours (over imported ones).
    Statement st(impl_->db, "SELECT measurement FROM consultations WHERE client_id = ? ORDER BY date DESC, id DESC LIMIT 1",
                 impl_->name);
    st.Bind(1, id);
    if (st.Step(impl_->name)) {
      pb::Measurement m;
      m.ParseFromString(st.Blob(0));
      *h.mutable_follicle_lab() = m.follicle().lab();
      *h.mutable_skin_lab() = m.skin();
    }
  }
  return h;
}

bool Database::EraseClient(const std::string& id) {
  Impl::Transaction tx(impl_.get(), {"client.erase", "client", id});
  if (!HasClient(id)) return false;
  Statement st(impl_->db, "DELETE FROM clients WHERE id = ?", impl_->name);
  st.Bind(1, id);
  st.Step(impl_->name);
  tx.Commit();
  // Erased rows must not linger in free pages or the WAL.
  impl_->Exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint after erasure");
  return true;
}

namespace {
void InsertProfile(sqlite3* db, const std::string& where, const std::string& name, const std::string& created,
                   const pb::CameraProfile& profile) {
  Statement st(db,
               "INSERT INTO profiles(name, created, profile) VALUES (?, ?, ?)"
               " ON CONFLICT(name) DO UPDATE SET created = excluded.created, profile = excluded.profile",
               where);
  st.Bind(1, name).Bind(2, created).BindBlob(3, Serialize(profile));
  st.Step(where);
}
void InsertVisit(sqlite3* db, const std::string& where, const std::string& client_id, const pb::FollowUp& visit,
                 const pb::Measurement* measurement) {
  Statement st(db, "INSERT INTO visits(client_id, date, visit, photo_sha256, measurement) VALUES (?, ?, ?, ?, ?)", where);
  st.Bind(1, client_id).Bind(2, visit.date()).BindBlob(3, Serialize(visit)).Bind(4, visit.photo_sha256());
  st.BindBlob(5, measurement ? Serialize(*measurement) : std::string());
  st.Step(where);
}
void InsertConsultation(sqlite3* db, const std::string& where, const std::string& client_id, const std::string& date,
                        const pb::Measurement& measurement, const pb::SessionPlan& plan, const std::string& report_path) {
  Statement st(db, "INSERT INTO consultations(client_id, date, measurement, plan, report_path) VALUES (?, ?, ?, ?, ?)", where);
  st.Bind(1, client_id).Bind(2, date).BindBlob(3, Serialize(measurement)).BindBlob(4, Serialize(plan)).Bind(5, report_path);
  st.Step(where);
}
void InsertForecast(sqlite3* db, const std::string& where, const std::string& client_id, const std::string& created,
                    const pb::Forecast& forecast) {
  Statement st(db,
               "INSERT INTO forecasts(client_id, created, touch_up_p10, touch_up_p50, touch_up_p90, forecast)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               where);
  st.Bind(1, client_id).Bind(2, created).Bind(3, forecast.touchup_p10()).Bind(4, forecast.touchup_p50());
  st.Bind(5, forecast.touchup_p90()).BindBlob(6, Serialize(forecast));
  st.Step(where);
}
}  // namespace

void Database::RecordConsultation(const std::string& client_id, const std::string& date, const std::string& profile_name,
                                  const pb::CameraProfile* profile, const pb::Measurement& measurement,
                                  const pb::SessionPlan& plan, const std::string& report_path, const pb::Forecast& forecast) {
  Impl::Transaction tx(impl_.get(), {"consultation.add", "client", client_id});
  impl_->RequireClient(client_id);
  if (profile) InsertProfile(impl_->db, impl_->name, profile_name, date, *profile);
  InsertConsultation(impl_->db, impl_->name, client_id, date, measurement, plan, report_path);
  InsertForecast(impl_->db, impl_->name, client_id, date, forecast);
  tx.Commit();
}

void Database::RecordVisit(const std::string& client_id, const pb::FollowUp& visit, const pb::Measurement* measurement,
                           const std::string& profile_name, const pb::CameraProfile* profile, const std::string& date) {
  Impl::Transaction tx(impl_.get(), {"visit.add", "client", client_id});
  impl_->RequireClient(client_id);
  if (profile) InsertProfile(impl_->db, impl_->name, profile_name, date, *profile);
  InsertVisit(impl_->db, impl_->name, client_id, visit, measurement);
  tx.Commit();
}

void Database::SaveProfile(const std::string& name, const std::string& created, const pb::CameraProfile& profile) {
  Impl::Transaction tx(impl_.get(), {"profile.save", "profile", name});
  InsertProfile(impl_->db, impl_->name, name, created, profile);
  tx.Commit();
}

bool Database::HasProfile(const std::string& name) const {
  Statement st(impl_->db, "SELECT 1 FROM profiles WHERE name = ?", impl_->name);
  st.Bind(1, name);
  return st.Step(impl_->name);
}

void Database::AddSession(const std::string& client_id, const pb::TreatmentSession& session) {
  Impl::Transaction tx(impl_.get(), {"session.add", "client", client_id});
  impl_->RequireClient(client_id);
  Statement st(impl_->db, "INSERT INTO sessions(client_id, date, session) VALUES (?, ?, ?)", impl_->name);
  st.Bind(1, client_id).Bind(2, session.date()).BindBlob(3, Serialize(session));
  st.Step(impl_->name);
  tx.Commit();
}

void Database::AddVisit(const std::string& client_id, const pb::FollowUp& visit, const pb::Measurement* measurement) {
  Impl::Transaction tx(impl_.get(), {"visit.add", "client", client_id});
  impl_->RequireClient(client_id);
  InsertVisit(impl_->db, impl_->name, client_id, visit, measurement);
  tx.Commit();
}

void Database::AddConsultation(const std::string& client_id, const std::string& date, const pb::Measurement& measurement,
                               const pb::SessionPlan& plan, const std::string& report_path) {
  Impl::Transaction tx(impl_.get(), {"consultation.add", "client", client_id});
  impl_->RequireClient(client_id);
  InsertConsultation(impl_->db, impl_->name, client_id, date, measurement, plan, report_path);
  tx.Commit();
}

void Database::AddForecast(const std::string& client_id, const std::string& created, const pb::Forecast& forecast) {
  Impl::Transaction tx(impl_.get(), {"forecast.add", "client", client_id});
  impl_->RequireClient(client_id);
  InsertForecast(impl_->db, impl_->name, client_id, created, forecast);
  tx.Commit();
}

std::vector<DueEntry> Database::Due(const std::string& until) const {
  Statement st(impl_->db,
               "SELECT f.client_id, c.name, f.touch_up_p10, f.touch_up_p50, f.touch_up_p90, f.created,"
               " MAX(IFNULL((SELECT MAX(date) FROM sessions s WHERE s.client_id = f.client_id), ''),"
               "     IFNULL((SELECT MAX(date) FROM visits v WHERE v.client_id = f.client_id), ''))"
               " FROM forecasts f JOIN clients c ON c.id = f.client_id"
               " WHERE f.id = (SELECT MAX(id) FROM forecasts g WHERE g.client_id = f.client_id)"
               "   AND f.touch_up_p50 != '' AND f.touch_up_p50 <= ?"
               " ORDER BY f.touch_up_p50, f.client_id",
               impl_->name);
  st.Bind(1, until);
  std::vector<DueEntry> out;
  while (st.Step(impl_->name)) {
    DueEntry e;
    e.client_id = st.Text(0);
    e.name = st.Text(1);
    e.touch_up_p10 = st.Text(2);
    e.touch_up_p50 = st.Text(3);
    e.touch_up_p90 = st.Text(4);
    e.forecast_created = st.Text(5);
    e.last_seen = st.Text(6);
    out.push_back(std::move(e));
  }
  return out;
}

void Database::ImportHistory(const pb::ClientHistory& history, bool replace, const std::string& created) {
  Impl::Transaction tx(impl_.get(), {replace ? "client.import_replace" : "client.import", "client", history.client_id()});
  const std::string& id = history.client_id();
  if (HasClient(id)) {
    if (!replace) throw DatabaseError(impl_->name + ": a client '" + id + "' already exists (import with --replace)");
    Statement del(impl_->db, "DELETE FROM clients WHERE id = ?", impl_->name);
    del.Bind(1, id);
    del.Step(impl_->name);
  }
  {
    pb::ClientHistory colours;
    if (history.has_follicle_lab()) *colours.mutable_follicle_lab() = history.follicle_lab();
    if (history.has_skin_lab()) *colours.mutable_skin_lab() = history.skin_lab();
    Statement st(impl_->db, "INSERT INTO clients(id, name, created, covariates, colours) VALUES (?, ?, ?, ?, ?)",
                 impl_->name);
    st.Bind(1, id).Bind(2, history.name()).Bind(3, created);
    if (history.has_covariates()) st.BindBlob(4, Serialize(history.covariates()));
    st.BindBlob(5, Serialize(colours));
    st.Step(impl_->name);
  }
  for (const auto& s : history.sessions()) {
    Statement st(impl_->db, "INSERT INTO sessions(client_id, date, session) VALUES (?, ?, ?)", impl_->name);
    st.Bind(1, id).Bind(2, s.date()).BindBlob(3, Serialize(s));
    st.Step(impl_->name);
  }
  for (const auto& v : history.follow_ups()) {
    Statement st(impl_->db, "INSERT INTO visits(client_id, date, visit, photo_sha256) VALUES (?, ?, ?, ?)", impl_->name);
    st.Bind(1, id).Bind(2, v.date()).BindBlob(3, Serialize(v)).Bind(4, v.photo_sha256());
    st.Step(impl_->name);
  }
  tx.Commit();
  // Fault injection for the crash-safety test: SIGKILL after N committed imports.
  static int commits = 0;
  if (const char* n = std::getenv("SHADECAST_FAULT_KILL_AFTER_IMPORTS"); n && ++commits >= std::atoi(n)) {
    std::raise(SIGKILL);
  }
}

}  // namespace shadecast::store
