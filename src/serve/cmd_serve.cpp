// shadecast serve: the chair-side web app on this computer (issue 21; docs/api.md).
#include <cstdio>

#include "cli/commands.h"
#include "cli/records.h"
#include "serve/server.h"

namespace shadecast::cli {
namespace {

struct ServeFlags {
  std::string db, bind = "127.0.0.1", data_dir, as_of;
  int port = 8080;
  double max_upload_mb = 25;
};

int RunServe(const ServeFlags& f) {
  if (!(f.max_upload_mb > 0 && f.max_upload_mb <= 200)) throw InputError("--max-upload-mb: expected 0-200");
  serve::ServeOptions o;
  o.db = DatabasePath(f.db);
  OpenDatabase(o.db);  // creates or migrates now: a bad --db fails before the port opens
  o.bind = f.bind;
  o.port = f.port;
  o.data_dir = f.data_dir;
  o.as_of = f.as_of;
  o.max_body_bytes = static_cast<size_t>(f.max_upload_mb * 1e6);
  o.version = SHADECAST_VERSION;
  return serve::Serve(o, [&](const std::string& url) {
    std::printf("shadecast serve: %s (database %s; Ctrl-C stops)\n", url.c_str(), o.db.c_str());
    std::fflush(stdout);
  });
}

void RegisterServe(CLI::App& app, Action& action) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* c = app.add_subcommand("serve", "The chair-side web app on this computer (open the printed address)");
  c->add_option("--db", f->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
  c->add_option("--bind", f->bind, "address to listen on (loopback only for now)")->capture_default_str();
  c->add_option("--port", f->port, "port; 0 picks a free one and prints it")->capture_default_str();
  c->add_option("--data-dir", f->data_dir, "folder for uploaded photos and reports (default <db>.data)");
  c->add_option("--as-of", f->as_of, "today's date YYYY-MM-DD (default $SHADECAST_TODAY or today)");
  c->add_option("--max-upload-mb", f->max_upload_mb, "largest request body accepted, MB")->capture_default_str();
  c->callback([&action, f] { action = [f] { return RunServe(*f); }; });
}

}  // namespace
SHADECAST_REGISTER_COMMAND(70, "serve", RegisterServe);
}  // namespace shadecast::cli
