// libFuzzer target (issue 23): the app's request checks before routing (serve/security.h,
// serve/permissions.h) on arbitrary method, path and headers: Host / Origin / body rules, the CSRF
// check, the cookie reader and the permission matrix's access check.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "serve/permissions.h"
#include "serve/security.h"

using namespace shadecast::serve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // "METHOD\nPATH\nName: value\n..." (anything goes).
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size() && lines.size() < 32) {
    const size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  std::map<std::string, std::string> headers;
  for (size_t i = 2; i < lines.size(); ++i) {
    const auto colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    headers[lines[i].substr(0, colon)] = lines[i].substr(std::min(colon + 2, lines[i].size()));
  }
  RequestHead h;
  h.method = lines.size() > 0 ? lines[0] : "";
  h.path = lines.size() > 1 ? lines[1] : "";
  h.header = [&](const std::string& k) {
    auto it = headers.find(k);
    return it == headers.end() ? std::string() : it->second;
  };
  h.has_header = [&](const std::string& k) { return headers.count(k) > 0; };
  SecurityConfig c;
  c.allowed_hosts = AllowedHosts("127.0.0.1", 8080);
  c.max_body_bytes = 1000;
  c.csrf_token = std::string(64, 'a');
  (void)CheckRequest(h, c);
  (void)CheckCsrf(h, c);
  (void)CookieValue(h.header("Cookie"), "__Host-shadecast_session");
  StaffSession s{"sid", std::string(64, 'a'), 1, "u", "technician", 0, 0, ""};
  (void)CheckAccess(h, s);
  (void)CheckAccess(h, std::nullopt);
  return 0;
}
