#pragma once
// The clinic's records: an embedded SQLite database (versioned schema with migrations, WAL, foreign
// keys with cascading erasure). Every public write runs in one transaction; a failure leaves the
// database as it was. Health data: nothing here talks to the network.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shadecast/camera_profile.pb.h"
#include "shadecast/forecast.pb.h"
#include "shadecast/history.pb.h"
#include "shadecast/measurement.pb.h"
#include "shadecast/recipe.pb.h"

namespace shadecast::store {

// The database's problems (locked, corrupt, newer schema, unknown client...): the message says which
// file and what to do.
struct DatabaseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ClientSummary {
  std::string id;
  std::string name;
  std::string created;
  int sessions = 0;
  int visits = 0;
  std::string last_session;  // ISO date or empty
  std::string last_visit;
};

struct DueEntry {
  std::string client_id;
  std::string name;
  std::string touch_up_p10, touch_up_p50, touch_up_p90;  // ISO dates
  std::string last_seen;  // latest session or visit
  std::string forecast_created;
};

// A staff account of the app (issue 22). The password is kept only as its argon2id hash string
// (serve/accounts.h).
struct StaffMember {
  std::string username;
  std::string role;  // technician | front_desk | manager
  std::string password_hash;
  std::string created;
  int failed_logins = 0;
  std::string locked_until;  // UTC date-time "YYYY-MM-DDTHH:MM:SSZ" or empty
  int id = 0;                // the row id: the audit log's "staff:<id>"
};

// One row of the audit log: who changed what, when (UTC), by id only.
struct AuditEntry {
  int seq = 0;
  std::string at;           // UTC "YYYY-MM-DDTHH:MM:SSZ"
  std::string actor;        // "cli" or "staff:<id>"
  std::string action;       // client.add, client.erase, consultation.add, staff.login_failed, ...
  std::string object_type;  // client, profile, staff
  std::string object_id;
};

// The audit log's actor for databases opened on this thread from now on: "cli" (the default),
// "app" (the loopback app without logins) or "staff:<id>" (the app, per request).
void SetThreadActor(const std::string& actor);
const std::string& ThreadActor();

class Database {
 public:
  // The schema version this build writes. Older files are migrated on open; newer ones refused.
  static constexpr int kSchemaVersion = 5;

  // Opens (creating when absent) and migrates. Throws DatabaseError.
  static std::unique_ptr<Database> Open(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int schema_version() const;

  // Clients. AddClient throws DatabaseError for a duplicate id.
  void AddClient(const std::string& id, const std::string& name, const pb::Covariates& covariates,
                 const std::string& created);
  bool HasClient(const std::string& id) const;
  std::vector<ClientSummary> ListClients() const;
  // The whole history as one message (sessions and follow-ups in date order; follicle and skin
  // colours from the latest consultation, else as imported). Throws for an unknown id.
  pb::ClientHistory History(const std::string& id) const;
  // Removes the client and everything about them (right to erasure). Returns false if unknown.
  bool EraseClient(const std::string& id);

  // Staff accounts. AddStaff throws DatabaseError for a duplicate username.
  void AddStaff(const StaffMember& member);
  std::vector<StaffMember> ListStaff() const;
  std::optional<StaffMember> FindStaff(const std::string& username) const;
  // A login attempt's outcome: success clears the failure count and any lock; a failure counts,
  // and the `lock_after`-th in a row locks the account until `lock_until` (and restarts the count).
  // Returns the member as updated. Audited (staff.login, staff.login_failed, staff.locked).
  StaffMember RecordLogin(const std::string& username, bool ok, int lock_after, const std::string& lock_until);
  // False when there is no such member. Audited.
  bool SetStaffPassword(const std::string& username, const std::string& password_hash);
  bool UnlockStaff(const std::string& username);

  // Who changes things from now on (the audit log's actor): "cli" (the default) or "staff:<id>".
  void SetActor(const std::string& actor);
  // The audit log, oldest first; only rows about `object_id` when it is not empty.
  std::vector<AuditEntry> Audit(const std::string& object_id = "") const;

  // Keeps the camera profile a measurement used, by name (its file name); a later save of the same
  // name replaces it (recalibration).
  void SaveProfile(const std::string& name, const std::string& created, const pb::CameraProfile& profile);
  bool HasProfile(const std::string& name) const;

  void AddSession(const std::string& client_id, const pb::TreatmentSession& session);
  void AddVisit(const std::string& client_id, const pb::FollowUp& visit, const pb::Measurement* measurement);
  void AddConsultation(const std::string& client_id, const std::string& date, const pb::Measurement& measurement,
                       const pb::SessionPlan& plan, const std::string& report_path);
  void AddForecast(const std::string& client_id, const std::string& created, const pb::Forecast& forecast);

  // A whole consultation in one transaction: the camera profile used (when given, by name), the
  // measurement and plan, and the forecast.
  void RecordConsultation(const std::string& client_id, const std::string& date, const std::string& profile_name,
                          const pb::CameraProfile* profile, const pb::Measurement& measurement,
                          const pb::SessionPlan& plan, const std::string& report_path, const pb::Forecast& forecast);
  // A follow-up visit and the profile its photo was measured with, in one transaction.
  void RecordVisit(const std::string& client_id, const pb::FollowUp& visit, const pb::Measurement* measurement,
                   const std::string& profile_name, const pb::CameraProfile* profile, const std::string& date);

  // Latest forecast per client whose median touch-up date falls on or before `until` (ISO date),
  // soonest first.
  std::vector<DueEntry> Due(const std::string& until) const;

  // Imports a whole history as one client in one transaction: the client wholly in or wholly out.
  // `replace`: an existing client of that id is replaced; otherwise a duplicate is an error. Every
  // field of the history is kept (History gives it back).
  void ImportHistory(const pb::ClientHistory& history, bool replace, const std::string& created);

 private:
  explicit Database(std::filesystem::path path);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

}  // namespace shadecast::store
