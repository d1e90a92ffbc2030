#include "serve/security.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <random>

namespace shadecast::serve {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Allowed(const std::string& host, const SecurityConfig& c) {
  return std::find(c.allowed_hosts.begin(), c.allowed_hosts.end(), Lower(host)) != c.allowed_hosts.end();
}

}  // namespace

std::vector<std::string> AllowedHosts(const std::string& bind, int port) {
  const std::string p = ":" + std::to_string(port);
  std::vector<std::string> hosts{Lower(bind) + p};
  if (bind == "127.0.0.1" || bind == "localhost" || bind == "::1")
    for (const char* h : {"127.0.0.1", "localhost", "[::1]"})
      if (std::find(hosts.begin(), hosts.end(), h + p) == hosts.end()) hosts.push_back(h + p);
  return hosts;
}

bool IsStateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::optional<Refusal> CheckRequest(const RequestHead& req, const SecurityConfig& c) {
  const std::string host = req.header("Host");
  if (host.empty() || !Allowed(host, c))
    return Refusal{403, "refused: the request's Host '" + host +
                            "' is not this app's address (open the address `shadecast serve` printed)"};
  if (req.has_header("Origin")) {
    const std::string origin = Lower(req.header("Origin"));
    const std::string prefix = c.scheme + "://";
    if (origin.rfind(prefix, 0) != 0 || !Allowed(origin.substr(prefix.size()), c))
      return Refusal{403, "refused: a request from another site ('" + req.header("Origin") +
                              "'); the app answers only its own pages"};
  }
  const std::string site = Lower(req.header("Sec-Fetch-Site"));
  if (!site.empty() && site != "same-origin" && site != "none")
    return Refusal{403, "refused: a " + site + " request; the app answers only its own pages"};
  const std::string encoding = Lower(req.header("Content-Encoding"));
  if (!encoding.empty() && encoding != "identity")
    return Refusal{415, "refused: compressed request bodies (Content-Encoding: " + encoding +
                            ") are not accepted; send the file as it is"};
  if (req.has_header("Transfer-Encoding"))
    return Refusal{411, "refused: a body sent in chunks has no declared size; send it with a Content-Length"};
  if (req.has_header("Content-Length")) {
    const std::string len = req.header("Content-Length");
    if (len.empty() || len.size() > 19 || !std::all_of(len.begin(), len.end(), ::isdigit))
      return Refusal{400, "refused: Content-Length '" + len + "' is not a byte count"};
    const unsigned long long n = std::stoull(len);
    if (n > c.max_body_bytes) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "refused: the body is %llu bytes; the limit is %zu bytes (%.0f MB)", n,
                    c.max_body_bytes, c.max_body_bytes / 1e6);
      return Refusal{413, buf};
    }
  }  // no Content-Length and no Transfer-Encoding: no body is read
  return std::nullopt;
}

std::optional<Refusal> CheckCsrf(const RequestHead& req, const SecurityConfig& c) {
  if (!IsStateChanging(req.method)) return std::nullopt;
  const std::string token = req.header("X-CSRF-Token");
  if (token.empty()) return Refusal{403, "refused: the request has no X-CSRF-Token (reload the page)"};
  if (!ConstantTimeEqual(token, c.csrf_token))
    return Refusal{403, "refused: the X-CSRF-Token is not this server's (reload the page)"};
  return std::nullopt;
}

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    size_t a = pos;
    while (a < end && header[a] == ' ') ++a;
    if (header.compare(a, name.size() + 1, name + "=") == 0) return header.substr(a + name.size() + 1, end - a - name.size() - 1);
    pos = end + 1;
  }
  return "";
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch == '-'; });
}

std::string NewToken() {
  std::random_device rd;
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    const unsigned v = rd() & 0xff;
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

bool ConstantTimeEqual(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::vector<std::pair<std::string, std::string>> SecurityHeaders() {
  return {{"Content-Security-Policy",
           "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "no-referrer"},
          {"Cross-Origin-Opener-Policy", "same-origin"},
          {"Cross-Origin-Resource-Policy", "same-origin"},
          {"Cache-Control", "no-store"}};
}

}  // namespace shadecast::serve
