#pragma once
// `shadecast serve`: the chair-side app on loopback (issue 21) or, with TLS and staff logins, on
// the clinic's network (issue 22), on cpp-httplib. Routes, the request
// checks of serve/security.h before anything is read or routed, the security headers on every
// response, and the pages from assets embedded in the binary (no CDN, nothing fetched).
#include <functional>
#include <string>

#include "serve/sessions.h"

namespace shadecast::serve {

struct ServeOptions {
  std::string db;                 // as --db
  std::string bind = "127.0.0.1";
  int port = 8080;                // 0: a free port
  std::string data_dir;           // default: beside the database, "<db>.data"
  std::string as_of;
  size_t max_body_bytes = 25u << 20;
  std::string version;
  // Issue 22: with both, HTTPS and staff logins (required for any address but loopback).
  std::string tls_cert, tls_key;  // PEM files
  SessionLimits session_limits;
  LoginLimits login_limits;
};

// Serves until SIGINT or SIGTERM; `on_listening` gets the URL once the port is bound (for a wildcard
// bind, the loopback URL). Throws cli::InputError for a bind address other than loopback without
// TLS, TLS without a manager account, a certificate that cannot be loaded, or a port that cannot be
// bound.
int Serve(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening);

}  // namespace shadecast::serve
