// The store's staff accounts and audit log (issue 22).
#include <chrono>
#include <ctime>

#include "store/database.h"
#include "store/database_impl.h"

namespace shadecast::store {
namespace {

// The wall clock in UTC, to the second: audit rows record when a change really happened (not
// --as-of, which is the clinic's calendar date for forecasts).
std::string UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

constexpr const char* kStaffColumns = "SELECT username, role, password_hash, created, failed_logins, locked_until, id FROM staff";

StaffMember ReadStaff(const Statement& st) {
  return StaffMember{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Text(5), st.Int(6)};
}

thread_local std::string t_actor = "cli";

}  // namespace

void SetThreadActor(const std::string& actor) { t_actor = actor; }
const std::string& ThreadActor() { return t_actor; }

void Database::Impl::WriteAudit(const Change& c) {
  Statement st(db, "INSERT INTO audit(at, actor, action, object_type, object_id) VALUES (?, ?, ?, ?, ?)", name);
  st.Bind(1, UtcNow()).Bind(2, actor).Bind(3, c.action).Bind(4, c.object_type).Bind(5, c.object_id);
  st.Step(name + ": write the audit log");
}

void Database::SetActor(const std::string& actor) { impl_->actor = actor; }

void Database::AddStaff(const StaffMember& m) {
  Impl::Transaction tx(impl_.get(), {"staff.add", "staff", ""});
  if (FindStaff(m.username)) throw DatabaseError(impl_->name + ": a staff member '" + m.username + "' already exists");
  Statement st(impl_->db, "INSERT INTO staff(username, role, password_hash, created) VALUES (?, ?, ?, ?)", impl_->name);
  st.Bind(1, m.username).Bind(2, m.role).Bind(3, m.password_hash).Bind(4, m.created);
  st.Step(impl_->name);
  tx.SetObject(std::to_string(sqlite3_last_insert_rowid(impl_->db)));
  tx.Commit();
}

std::vector<StaffMember> Database::ListStaff() const {
  Statement st(impl_->db, (std::string(kStaffColumns) + " ORDER BY username").c_str(), impl_->name);
  std::vector<StaffMember> out;
  while (st.Step(impl_->name)) out.push_back(ReadStaff(st));
  return out;
}

std::optional<StaffMember> Database::FindStaff(const std::string& username) const {
  Statement st(impl_->db, (std::string(kStaffColumns) + " WHERE username = ?").c_str(), impl_->name);
  st.Bind(1, username);
  if (!st.Step(impl_->name)) return std::nullopt;
  return ReadStaff(st);
}

StaffMember Database::RecordLogin(const std::string& username, bool ok, int lock_after, const std::string& lock_until) {
  auto member = FindStaff(username);
  if (!member) throw DatabaseError(impl_->name + ": no staff member '" + username + "'");
  const std::string id = std::to_string(member->id);
  const bool locks = !ok && member->failed_logins + 1 >= lock_after;
  Impl::Transaction tx(impl_.get(), {ok ? "staff.login" : locks ? "staff.locked" : "staff.login_failed", "staff", id});
  Statement st(impl_->db, "UPDATE staff SET failed_logins = ?, locked_until = ? WHERE id = ?", impl_->name);
  if (ok) {
    member->failed_logins = 0;
    member->locked_until.clear();
  } else if (locks) {
    member->failed_logins = 0;
    member->locked_until = lock_until;
  } else {
    ++member->failed_logins;
  }
  st.Bind(1, std::to_string(member->failed_logins)).Bind(2, member->locked_until).Bind(3, id);
  st.Step(impl_->name);
  tx.Commit();
  return *member;
}

bool Database::SetStaffPassword(const std::string& username, const std::string& password_hash) {
  auto member = FindStaff(username);
  if (!member) return false;
  Impl::Transaction tx(impl_.get(), {"staff.password", "staff", std::to_string(member->id)});
  Statement st(impl_->db, "UPDATE staff SET password_hash = ?, failed_logins = 0, locked_until = '' WHERE id = ?",
               impl_->name);
  st.Bind(1, password_hash).Bind(2, std::to_string(member->id));
  st.Step(impl_->name);
  tx.Commit();
  return true;
}

bool Database::UnlockStaff(const std::string& username) {
  auto member = FindStaff(username);
  if (!member) return false;
  Impl::Transaction tx(impl_.get(), {"staff.unlock", "staff", std::to_string(member->id)});
  Statement st(impl_->db, "UPDATE staff SET failed_logins = 0, locked_until = '' WHERE id = ?", impl_->name);
  st.Bind(1, std::to_string(member->id));
  st.Step(impl_->name);
  tx.Commit();
  return true;
}

std::vector<AuditEntry> Database::Audit(const std::string& object_id) const {
  Statement st(impl_->db,
               object_id.empty() ? "SELECT seq, at, actor, action, object_type, object_id FROM audit ORDER BY seq"
                                 : "SELECT seq, at, actor, action, object_type, object_id FROM audit WHERE object_id = ? ORDER BY seq",
               impl_->name);
  if (!object_id.empty()) st.Bind(1, object_id);
  std::vector<AuditEntry> out;
  while (st.Step(impl_->name)) out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
  return out;
}

}  // namespace shadecast::store
