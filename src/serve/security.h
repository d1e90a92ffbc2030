#pragma once
// The chair-side app's request checks (issue 21), free of the HTTP library so they can be tested
// alone. Safe even on loopback: any web page in the clinic's browser can send requests to
// 127.0.0.1, and a DNS-rebinding page can read the answers, so every request is checked for
//   - Host: one of the names the server was started for (127.0.0.1:PORT, localhost:PORT, [::1]:PORT)
//     — a rebinding page arrives with its own host name;
//   - Origin (when the browser sends one) and Sec-Fetch-Site: the app's own origin only;
//   - a body no larger than the limit, with a Content-Length (a chunked body is refused with 411),
//     and no Content-Encoding (415): all before the body is read or routed;
//   - on every state-changing method (POST, PUT, PATCH, DELETE), the CSRF token of this server run in
//     the X-CSRF-Token header (compared in constant time).
// No CORS headers are ever sent; the responses carry SecurityHeaders().
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shadecast::serve {

struct Refusal {
  int status = 403;
  std::string message;  // plain words for the body: what was refused and why
};

struct SecurityConfig {
  std::vector<std::string> allowed_hosts;  // exact Host header values, e.g. "127.0.0.1:8080"
  size_t max_body_bytes = 25u << 20;       // 25 MiB: a 24 MP JPEG with room to spare
  std::string csrf_token;                  // this server run's token (NewToken)
  std::string scheme = "http";             // "https" with TLS: the only Origin scheme accepted
};

// The request as the checks see it: method, path and a header lookup (case-insensitive; empty
// when the header is absent).
struct RequestHead {
  std::string method, path;
  std::function<std::string(const std::string&)> header;
  std::function<bool(const std::string&)> has_header;
};

// The allowed Host values for a server bound to `bind` on `port`.
std::vector<std::string> AllowedHosts(const std::string& bind, int port);

// Every check above except the CSRF token (which only state-changing requests carry).
std::optional<Refusal> CheckRequest(const RequestHead& req, const SecurityConfig& config);
// The CSRF check of a state-changing request; nullopt for GET/HEAD/OPTIONS.
std::optional<Refusal> CheckCsrf(const RequestHead& req, const SecurityConfig& config);

bool IsStateChanging(const std::string& method);
// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(const std::string& cookie_header, const std::string& name);
// Client, session and upload ids: [A-Za-z0-9_-]{1,64}.
bool IsValidId(const std::string& id);
// 32 random bytes (the system's random device), hex.
std::string NewToken();
bool ConstantTimeEqual(const std::string& a, const std::string& b);

// Headers on every response: a Content-Security-Policy of default-src 'self' with no
// 'unsafe-inline' and frame-ancestors 'none', nosniff, no referrer, no caching of health data.
std::vector<std::pair<std::string, std::string>> SecurityHeaders();

}  // namespace shadecast::serve
