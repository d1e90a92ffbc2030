// shadecast staff add|list|passwd|unlock and shadecast audit: the app's staff accounts and the
// audit log (issue 22). The first manager is created here
// only (never through the app); passwords are read from a file or stdin, never from the command
// line (it would show in `ps` and the shell history), and kept only as argon2id hashes.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <termios.h>

#include "cli/commands.h"
#include "cli/records.h"
#include "cli/records_json.h"
#include "serve/accounts.h"
#include "store/database.h"

namespace shadecast::cli {
namespace {

struct StaffOptions {
  std::string db, username, role, password_file, as_of;
  bool password_stdin = false, json = false;
};

std::string FirstLine(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Asks twice without echo on a terminal.
std::string Prompt() {
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  auto ask = [&](const char* what) {
    std::fprintf(stderr, "%s", what);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    const std::string p = FirstLine(std::cin);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    return p;
  };
  const std::string a = ask("Password: "), b = ask("Again: ");
  if (a != b) throw InputError("the two passwords differ; nothing was stored");
  return a;
}

std::string ReadPassword(const StaffOptions& o) {
  if (!o.password_file.empty()) {
    std::ifstream f(o.password_file);
    if (!f) throw InputError("--password-file " + o.password_file + ": cannot read it");
    return FirstLine(f);
  }
  if (o.password_stdin) return FirstLine(std::cin);
  if (isatty(STDIN_FILENO)) return Prompt();
  throw InputError("no password: give it on stdin with --password-stdin, in a file with --password-file, or run "
                   "this in a terminal to be asked");
}

int RunAdd(const StaffOptions& o) {
  if (!serve::IsValidUsername(o.username))
    throw InputError("username '" + o.username + "': use 1-64 of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
  if (!serve::IsStaffRole(o.role)) throw InputError("--role " + o.role + ": expected technician, front_desk or manager");
  auto db = OpenDatabase(o.db);
  if (db->FindStaff(o.username)) throw InputError("a staff member '" + o.username + "' already exists in " + db->path().string());
  const std::string password = ReadPassword(o);
  if (const std::string why = serve::PasswordProblem(password, o.username); !why.empty()) throw InputError(why + "; nothing was stored");
  store::StaffMember m;
  m.username = o.username;
  m.role = o.role;
  m.password_hash = serve::HashPassword(password);
  m.created = Today(o.as_of);
  try {
    db->AddStaff(m);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
  if (o.json) PrintJson({{"username", m.username}, {"role", m.role}, {"created", m.created}});
  else std::printf("added %s (%s)\n", m.username.c_str(), m.role.c_str());
  return kExitOk;
}

int RunList(const StaffOptions& o) {
  const auto staff = OpenDatabase(o.db)->ListStaff();
  if (o.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& m : staff)  // never the hash
      all.push_back({{"username", m.username}, {"role", m.role}, {"created", m.created}, {"locked", !m.locked_until.empty()}});
    PrintJson({{"staff", all}});
    return kExitOk;
  }
  if (staff.empty()) std::printf("no staff accounts yet (add the first manager with `shadecast staff add NAME --role manager`)\n");
  for (const auto& m : staff)
    std::printf("%-24s %-11s since %s%s\n", m.username.c_str(), m.role.c_str(), m.created.c_str(),
                m.locked_until.empty() ? "" : ("  LOCKED until " + m.locked_until + " (staff unlock " + m.username + ")").c_str());
  return kExitOk;
}

int RunPasswd(const StaffOptions& o) {
  auto db = OpenDatabase(o.db);
  if (!db->FindStaff(o.username)) throw InputError("no staff member '" + o.username + "' in " + db->path().string());
  const std::string password = ReadPassword(o);
  if (const std::string why = serve::PasswordProblem(password, o.username); !why.empty()) throw InputError(why + "; nothing was changed");
  db->SetStaffPassword(o.username, serve::HashPassword(password));  // also clears a lock
  if (o.json) PrintJson({{"username", o.username}, {"password_changed", true}});
  else std::printf("changed the password of %s (a running app logs them out at their next request)\n", o.username.c_str());
  return kExitOk;
}

int RunUnlock(const StaffOptions& o) {
  auto db = OpenDatabase(o.db);
  if (!db->UnlockStaff(o.username)) throw InputError("no staff member '" + o.username + "' in " + db->path().string());
  if (o.json) PrintJson({{"username", o.username}, {"unlocked", true}});
  else std::printf("unlocked %s\n", o.username.c_str());
  return kExitOk;
}

struct AuditOptions {
  std::string db, client;
  bool json = false;
};

int RunAudit(const AuditOptions& o) {
  const auto rows = OpenDatabase(o.db)->Audit(o.client);
  if (o.json) {
    PrintJson(AuditJson(rows));
    return kExitOk;
  }
  if (rows.empty()) std::printf("the audit log is empty\n");
  for (const auto& r : rows)
    std::printf("%6d  %s  %-10s %-22s %s %s\n", r.seq, r.at.c_str(), r.actor.c_str(), r.action.c_str(), r.object_type.c_str(),
                r.object_id.c_str());
  return kExitOk;
}

void RegisterAudit(CLI::App& app, Action& action) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* c = app.add_subcommand("audit", "The audit log: every change, who made it and when (ids only, no names)");
  c->add_option("--client", o->client, "only the rows about this client id");
  c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
  c->add_flag("--json", o->json, "JSON output");
  c->callback([&action, o] { action = [o] { return RunAudit(*o); }; });
}

void AddPasswordFlags(CLI::App* c, StaffOptions& o) {
  c->add_flag("--password-stdin", o.password_stdin, "read the password from the first line of stdin");
  c->add_option("--password-file", o.password_file, "read the password from the first line of this file");
}

void RegisterStaff(CLI::App& app, Action& action) {
  CLI::App* staff = app.add_subcommand("staff", "Staff accounts of the app: add (the first manager too), list, passwd, unlock");
  staff->require_subcommand(1);
  {
    auto o = std::make_shared<StaffOptions>();
    CLI::App* c = staff->add_subcommand("add", "Add a staff account (password from a terminal, stdin or a file)");
    c->add_option("username", o->username, "login name: a-z, 0-9, . _ -")->required();
    c->add_option("--role", o->role, "technician, front_desk or manager")->required();
    AddPasswordFlags(c, *o);
    c->add_option("--as-of", o->as_of, "today's date YYYY-MM-DD");
    c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunAdd(*o); }; });
  }
  {
    auto o = std::make_shared<StaffOptions>();
    CLI::App* c = staff->add_subcommand("list", "List the staff accounts (never their passwords)");
    c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunList(*o); }; });
  }
  {
    auto o = std::make_shared<StaffOptions>();
    CLI::App* c = staff->add_subcommand("passwd", "Set a staff member's password (and lift a lock)");
    c->add_option("username", o->username, "login name")->required();
    AddPasswordFlags(c, *o);
    c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunPasswd(*o); }; });
  }
  {
    auto o = std::make_shared<StaffOptions>();
    CLI::App* c = staff->add_subcommand("unlock", "Lift the lock after repeated wrong passwords");
    c->add_option("username", o->username, "login name")->required();
    c->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
    c->add_flag("--json", o->json, "JSON output");
    c->callback([&action, o] { action = [o] { return RunUnlock(*o); }; });
  }
}

}  // namespace

SHADECAST_REGISTER_COMMAND(65, "staff", RegisterStaff);
SHADECAST_REGISTER_COMMAND(66, "audit", RegisterAudit);

}  // namespace shadecast::cli
