#pragma once
// `shadecast serve`: the chair-side app on loopback (issue 21), on cpp-httplib. Routes, the request
// checks of serve/security.h before anything is read or routed, the security headers on every
// response, and the pages from assets embedded in the binary (no CDN, nothing fetched).
#include <functional>
#include <string>

namespace shadecast::serve {

struct ServeOptions {
  std::string db;                 // as --db
  std::string bind = "127.0.0.1";
  int port = 8080;                // 0: a free port
  std::string data_dir;           // default: beside the database, "<db>.data"
  std::string as_of;
  size_t max_body_bytes = 25u << 20;
  std::string version;
};

// Serves until SIGINT or SIGTERM; `on_listening` gets the URL once the port is bound. Throws
// cli::InputError for a bind address other than loopback (TLS and staff accounts are issue 22) or a
// port that cannot be bound.
int Serve(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening);

}  // namespace shadecast::serve
