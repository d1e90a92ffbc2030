// shadecast serve: the chair-side web app on this computer (issue 21; docs/api.md).
#include <cstdio>

#include "cli/commands.h"
#include "cli/records.h"
#include "serve/server.h"

namespace shadecast::cli {
namespace {

struct ServeFlags {
  std::string db, bind = "127.0.0.1", data_dir, as_of, tls_cert, tls_key;
  int port = 8080;
  double max_upload_mb = 25;
  double session_idle_minutes = 30, session_hours = 12;
  int login_attempts = 10;
};

int RunServe(const ServeFlags& f) {
  if (!(f.max_upload_mb > 0 && f.max_upload_mb <= 200)) throw InputError("--max-upload-mb: expected more than 0 and at most 200 (MB)");
  serve::ServeOptions o;
  o.db = DatabasePath(f.db);
  OpenDatabase(o.db);  // creates or migrates now: a bad --db fails before the port opens
  o.bind = f.bind;
  o.port = f.port;
  o.data_dir = f.data_dir;
  o.as_of = f.as_of;
  o.max_body_bytes = static_cast<size_t>(f.max_upload_mb * 1e6);
  o.version = SHADECAST_VERSION;
  o.tls_cert = f.tls_cert;
  o.tls_key = f.tls_key;
  if (!(f.session_idle_minutes > 0 && f.session_idle_minutes <= 24 * 60))
    throw InputError("--session-idle-minutes: expected more than 0, at most 1440");
  if (!(f.session_hours > 0 && f.session_hours <= 24)) throw InputError("--session-hours: expected more than 0, at most 24");
  if (f.login_attempts < 1 || f.login_attempts > 1000) throw InputError("--login-attempts: expected 1-1000");
  o.session_limits.idle_seconds = f.session_idle_minutes * 60;
  o.session_limits.absolute_seconds = f.session_hours * 3600;
  o.login_limits.per_ip = f.login_attempts;
  return serve::Serve(o, [&](const std::string& url) {
    std::printf("shadecast serve: %s (database %s; Ctrl-C stops)\n", url.c_str(), o.db.c_str());
    std::fflush(stdout);
  });
}

void RegisterServe(CLI::App& app, Action& action) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* c = app.add_subcommand("serve", "The chair-side web app on this computer (open the printed address)");
  c->add_option("--db", f->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
  c->add_option("--bind", f->bind, "address to listen on; other than loopback needs --tls-cert/--tls-key")
      ->capture_default_str();
  c->add_option("--port", f->port, "port; 0 picks a free one and prints it")->capture_default_str();
  c->add_option("--data-dir", f->data_dir, "folder for uploaded photos and reports (default <db>.data)");
  c->add_option("--as-of", f->as_of, "today's date YYYY-MM-DD (default $SHADECAST_TODAY or today)");
  c->add_option("--max-upload-mb", f->max_upload_mb, "largest request body accepted, MB")->capture_default_str();
  c->add_option("--tls-cert", f->tls_cert, "HTTPS certificate (PEM); with --tls-key, staff must log in");
  c->add_option("--tls-key", f->tls_key, "the certificate's private key (PEM)");
  c->add_option("--session-idle-minutes", f->session_idle_minutes, "log out after this long without a request")
      ->capture_default_str();
  c->add_option("--session-hours", f->session_hours, "log out this long after login, busy or not")->capture_default_str();
  c->add_option("--login-attempts", f->login_attempts, "login attempts per 5 minutes from one address")
      ->capture_default_str();
  c->callback([&action, f] { action = [f] { return RunServe(*f); }; });
}

}  // namespace
SHADECAST_REGISTER_COMMAND(70, "serve", RegisterServe);
}  // namespace shadecast::cli
