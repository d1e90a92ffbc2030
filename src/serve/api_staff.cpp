// The app's logins, staff accounts, audit log and export (issue 22). Handlers parse, call the
// store and serve/login.h, and serialise.
#include <chrono>
#include <ctime>

#include "cli/common.h"
#include "cli/records.h"
#include "cli/records_json.h"
#include "serve/accounts.h"
#include "serve/api.h"
#include "serve/login.h"
#include "store/database.h"

namespace shadecast::serve {
namespace {

ApiResult Error(int status, const std::string& message) { return {status, {{"error", message}}}; }

std::string StringField(const nlohmann::json& j, const char* key, size_t max_bytes) {
  if (!j.contains(key) || !j[key].is_string()) throw cli::InputError(std::string(key) + ": expected a string");
  std::string v = j[key].get<std::string>();
  if (v.size() > max_bytes) throw cli::InputError(std::string(key) + ": at most " + std::to_string(max_bytes) + " bytes");
  return v;
}

std::time_t Now() { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); }

std::string Cookie(const std::string& value, bool clear) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Strict" +
         (clear ? "; Max-Age=0" : "");
}

LoginDeps DatabaseLogin(AppContext& app) {
  LoginDeps d;
  // The database is locked for the look-up and the record only, never across the hash (~0.1 s).
  d.find = [&app](const std::string& u) {
    std::lock_guard<std::mutex> lock(app.db_mutex);
    return cli::OpenDatabase(app.db)->FindStaff(u);
  };
  d.record = [&app](const std::string& u, bool ok, int lock_after, const std::string& until) {
    std::lock_guard<std::mutex> lock(app.db_mutex);
    return cli::OpenDatabase(app.db)->RecordLogin(u, ok, lock_after, until);
  };
  d.verify = [](const std::string& p, const std::string& h) { return VerifyPassword(p, h); };
  d.dummy_hash = app.dummy_hash;
  return d;
}

ApiResult FromOutcome(const LoginOutcome& o) {
  ApiResult r = Error(o.status, o.message);
  if (o.retry_after > 0) r.headers.push_back({"Retry-After", std::to_string(o.retry_after)});
  return r;
}

nlohmann::json MemberJson(const store::StaffMember& m) {  // never the hash
  return {{"username", m.username}, {"role", m.role}, {"created", m.created}, {"locked", !m.locked_until.empty()},
          {"locked_until", m.locked_until}};
}

}  // namespace

std::optional<StaffSession>& RequestSession() {
  thread_local std::optional<StaffSession> session;
  return session;
}

ApiResult ApiLogin(AppContext& app, const std::string& body, const std::string& remote_ip) {
  if (!app.login_required) return Error(404, "this app runs without logins (loopback without TLS)");
  const nlohmann::json j = ParseJsonBody(body);
  const std::string username = StringField(j, "username", 64), password = StringField(j, "password", 200);
  const LoginOutcome o = Login(*app.login_gate, DatabaseLogin(app), remote_ip, username, password, Now());
  if (o.status != 200) return FromOutcome(o);
  const StaffSession s =
      app.sessions->Create(o.member->id, o.member->username, o.member->role, static_cast<double>(Now()), o.member->password_hash);
  ApiResult r{200, {{"user", s.username}, {"role", s.role}, {"csrf_token", s.csrf}, {"login_required", true}}};
  r.headers.push_back({"Set-Cookie", Cookie(s.id, false)});
  return r;
}

ApiResult ApiLogout(AppContext& app) {
  if (!app.login_required || !RequestSession()) return Error(404, "this app runs without logins");
  app.sessions->Revoke(RequestSession()->id);
  ApiResult r{200, {{"logged_out", RequestSession()->username}}};
  r.headers.push_back({"Set-Cookie", Cookie("", true)});
  return r;
}

ApiResult ApiPassword(AppContext& app, const std::string& body, const std::string& remote_ip) {
  if (!app.login_required || !RequestSession()) return Error(404, "this app runs without logins");
  const StaffSession me = *RequestSession();
  const nlohmann::json j = ParseJsonBody(body);
  const std::string old_pw = StringField(j, "old_password", 200), new_pw = StringField(j, "new_password", 200);
  if (const std::string why = PasswordProblem(new_pw, me.username); !why.empty()) throw cli::InputError(why);
  // The old password is checked like a login (rate limit, lock, bounded hashing).
  const LoginOutcome o = Login(*app.login_gate, DatabaseLogin(app), remote_ip, me.username, old_pw, Now());
  if (o.status != 200) return FromOutcome(o.status == 401 ? LoginOutcome{403, "the old password is wrong", 0, {}} : o);
  const std::string hash = HashPassword(new_pw);
  {
    std::lock_guard<std::mutex> lock(app.db_mutex);
    cli::OpenDatabase(app.db)->SetStaffPassword(me.username, hash);
  }
  const int ended = app.sessions->RevokeStaff(me.staff_id);
  ApiResult r{200, {{"password_changed", true}, {"sessions_ended", ended}, {"message", "password changed; log in again"}}};
  r.headers.push_back({"Set-Cookie", Cookie("", true)});
  return r;
}

ApiResult ApiStaffList(AppContext& app) {
  std::lock_guard<std::mutex> lock(app.db_mutex);
  nlohmann::json all = nlohmann::json::array();
  for (const auto& m : cli::OpenDatabase(app.db)->ListStaff()) all.push_back(MemberJson(m));
  return {200, {{"staff", all}}};
}

ApiResult ApiStaffAdd(AppContext& app, const std::string& body) {
  const nlohmann::json j = ParseJsonBody(body);
  const std::string username = StringField(j, "username", 64), role = StringField(j, "role", 20),
                    password = StringField(j, "password", 200);
  if (!IsValidUsername(username))
    throw cli::InputError("username '" + username + "': use 1-64 of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
  if (!IsStaffRole(role)) throw cli::InputError("role '" + role + "': expected technician, front_desk or manager");
  if (const std::string why = PasswordProblem(password, username); !why.empty()) throw cli::InputError(why);
  store::StaffMember m;
  m.username = username;
  m.role = role;
  m.password_hash = HashPassword(password);  // outside the lock
  m.created = cli::Today(app.as_of);
  std::lock_guard<std::mutex> lock(app.db_mutex);
  auto db = cli::OpenDatabase(app.db);
  if (db->FindStaff(username)) return Error(409, "a staff member '" + username + "' already exists");
  db->AddStaff(m);
  return {201, MemberJson(*db->FindStaff(username))};
}

ApiResult ApiStaffUnlock(AppContext& app, const std::string& username) {
  if (!IsValidUsername(username)) throw cli::InputError("username '" + username + "': not a valid login name");
  std::lock_guard<std::mutex> lock(app.db_mutex);
  if (!cli::OpenDatabase(app.db)->UnlockStaff(username)) return Error(404, "no staff member '" + username + "'");
  return {200, {{"unlocked", username}}};
}

ApiResult ApiAudit(AppContext& app, const std::string& client) {
  if (!client.empty()) RequireId(client, "client id");
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, cli::AuditJson(cli::OpenDatabase(app.db)->Audit(client))};
}

ApiResult ApiExport(AppContext& app, const std::string& id) {
  RequireId(id, "client id");
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, cli::MessageToJson(cli::OpenDatabase(app.db)->History(id))};
}

}  // namespace shadecast::serve
