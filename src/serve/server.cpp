#include "serve/server.h"

#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <pthread.h>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cli/common.h"
#include "serve/api.h"
#include "serve/api_work.h"
#include "store/files.h"
#include "serve/security.h"

namespace shadecast::embedded {
extern const char kServeIndexHtml[];
extern const char kServeAppJs[];
extern const char kServeAppCss[];
}  // namespace shadecast::embedded

namespace shadecast::serve {
namespace {
namespace fs = std::filesystem;

RequestHead Head(const httplib::Request& req) {
  RequestHead h;
  h.method = req.method;
  h.path = req.path;
  h.header = [&req](const std::string& name) { return req.get_header_value(name.c_str()); };
  h.has_header = [&req](const std::string& name) { return req.has_header(name.c_str()); };
  return h;
}

void AddSecurityHeaders(httplib::Response& res) {
  for (const auto& [k, v] : SecurityHeaders())
    if (!res.has_header(k.c_str())) res.set_header(k.c_str(), v);
}

void SendJson(httplib::Response& res, const ApiResult& r) {
  res.status = r.status;
  res.set_content(r.body.dump(2), "application/json; charset=utf-8");
  AddSecurityHeaders(res);
}

void SendRefusal(httplib::Response& res, const Refusal& r) {
  SendJson(res, {r.status, {{"error", r.message}}});
  res.set_header("Connection", "close");  // the body (if any) is not read
}

// The checks of serve/security.h, before the body is read or anything is routed.
httplib::Server::HandlerResponse PreRoute(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const RequestHead head = Head(req);
  auto refusal = CheckRequest(head, app.security);
  if (!refusal) refusal = CheckCsrf(head, app.security);
  if (refusal) {
    SendRefusal(res, *refusal);
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void Routes(httplib::Server& svr, AppContext& app) {
  auto page = [](const char* text, const char* type) {
    return [text, type](const httplib::Request&, httplib::Response& res) {
      res.set_content(text, type);
      AddSecurityHeaders(res);
    };
  };
  svr.Get("/", page(embedded::kServeIndexHtml, "text/html; charset=utf-8"));
  svr.Get("/static/app.js", page(embedded::kServeAppJs, "text/javascript; charset=utf-8"));
  svr.Get("/static/app.css", page(embedded::kServeAppCss, "text/css; charset=utf-8"));
  auto json = [&app](auto handler) {
    return [&app, handler](const httplib::Request& req, httplib::Response& res) {
      SendJson(res, Guarded([&] { return handler(app, req); }));
    };
  };
  svr.Get("/api/health", json([](AppContext& a, const httplib::Request&) { return ApiHealth(a); }));
  svr.Get("/api/session", json([](AppContext& a, const httplib::Request&) { return ApiSession(a); }));
  svr.Get("/api/clients", json([](AppContext& a, const httplib::Request&) { return ApiListClients(a); }));
  svr.Post("/api/clients", json([](AppContext& a, const httplib::Request& r) { return ApiAddClient(a, r.body); }));
  svr.Get(R"(/api/clients/([^/]+))",
          json([](AppContext& a, const httplib::Request& r) { return ApiClient(a, r.matches[1]); }));
  svr.Delete(R"(/api/clients/([^/]+))",
             json([](AppContext& a, const httplib::Request& r) { return ApiEraseClient(a, r.matches[1]); }));
  svr.Get("/api/due",
          json([](AppContext& a, const httplib::Request& r) { return ApiDue(a, r.get_param_value("within")); }));
  svr.Post("/api/uploads", json([](AppContext& a, const httplib::Request& r) { return ApiUpload(a, r.body); }));
  svr.Post("/api/consultations", json([](AppContext& a, const httplib::Request& r) { return ApiConsult(a, r.body); }));
  svr.Post("/api/visits", json([](AppContext& a, const httplib::Request& r) { return ApiVisit(a, r.body); }));
  svr.Post(R"(/api/forecasts/([^/]+))",
           json([](AppContext& a, const httplib::Request& r) { return ApiForecast(a, r.matches[1], r.body); }));
  svr.Post("/api/calibrations", json([](AppContext& a, const httplib::Request& r) { return ApiCalibrate(a, r.body); }));
  svr.Post(R"(/api/profiles/([^/]+)/check)",
           json([](AppContext& a, const httplib::Request& r) { return ApiCheckProfile(a, r.matches[1], r.body); }));
  svr.Post("/api/jobs/forecast-all", json([](AppContext& a, const httplib::Request& r) { return ApiForecastAll(a, r.body); }));
  svr.Post("/api/imports", json([](AppContext& a, const httplib::Request& r) {
             return ApiImport(a, r.get_param_value("format"), r.body);
           }));
  svr.Get(R"(/api/jobs/([^/]+))", json([](AppContext& a, const httplib::Request& r) { return ApiJob(a, r.matches[1]); }));
  svr.Get(R"(/api/clients/([^/]+)/photos)",
          json([](AppContext& a, const httplib::Request& r) { return ApiClientPhotos(a, r.matches[1]); }));
  svr.Get(R"(/photos/([^/]+)/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::string path = PhotoPath(app, req.matches[1], req.matches[2]);
    if (path.empty()) return SendJson(res, {404, {{"error", "no such photo"}}});
    const std::string ext = path.substr(path.size() - 3);
    res.set_content(store::ReadFile(path), ext == "jpg" ? "image/jpeg" : ext == "png" ? "image/png" : "image/tiff");
    AddSecurityHeaders(res);
  });
  svr.Get("/api/pigments", json([](AppContext& a, const httplib::Request&) { return ApiPigments(a); }));
  svr.Get("/api/settings", json([](AppContext& a, const httplib::Request&) { return ApiSettings(a); }));
  svr.Put("/api/settings", json([](AppContext& a, const httplib::Request& r) { return ApiPutSettings(a, r.body); }));
  svr.Get("/api/profiles", json([](AppContext& a, const httplib::Request&) { return ApiProfiles(a); }));
  svr.Get(R"(/reports/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::string path = ReportPath(app, req.matches[1]);
    if (path.empty()) return SendJson(res, {404, {{"error", "no such report"}}});
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0) {  // the consultation's overlay
      res.set_content(store::ReadFile(path), "image/png");
      return AddSecurityHeaders(res);
    }
    // The report is a self-contained document (docs/api.md): its swatches use inline styles, so
    // it gets a policy of its own that allows those and nothing else, with no script at all.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox allow-modals");
    res.set_content(store::ReadFile(path), "text/html; charset=utf-8");
    AddSecurityHeaders(res);
  });
}

// cpp-httplib 0.11 listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled into Debian's
// library): 20 chairs connecting at once while both cores are busy overflowed it and the kernel
// dropped connections (TcpExtListenOverflows; requests lost with "Read" errors). listen() again on
// the bound socket raises the backlog; the socket is found by its port among this process's fds.
void RaiseListenBacklog(int port) {
  for (int fd = 0; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    socklen_t alen = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) continue;
    const int p = addr.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                  : addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                               : -1;
    if (p == port) ::listen(fd, 256);
  }
}

bool IsLoopback(const std::string& bind) { return bind == "127.0.0.1" || bind == "localhost" || bind == "::1"; }

}  // namespace

int Serve(const ServeOptions& o, const std::function<void(const std::string& url)>& on_listening) {
  if (!IsLoopback(o.bind))
    throw cli::InputError("--bind " + o.bind +
                          ": the app listens on this computer only (127.0.0.1) until TLS and staff accounts are set "
                          "up; other computers of the clinic cannot reach it yet");
  if (o.port < 0 || o.port > 65535) throw cli::InputError("--port: expected 0-65535 (0: any free port)");
  AppContext app;
  app.db = o.db;
  app.as_of = o.as_of;
  app.version = o.version;
  app.data_dir = o.data_dir.empty() ? o.db + ".data" : o.data_dir;
  app.security.max_body_bytes = o.max_body_bytes;
  app.security.csrf_token = NewToken();
  app.jobs = std::make_unique<Jobs>();
  cli::Today(o.as_of);  // a malformed --as-of fails now, not on the first request

  httplib::Server svr;
  svr.set_payload_max_length(o.max_body_bytes);  // a backstop behind CheckRequest
  // A connection can wait in httplib's queue while every worker is busy with a consultation:
  // generous read / write / keep-alive windows (httplib's default is 5 s). The lost requests under
  // load were the listen backlog's (RaiseListenBacklog below), not these.
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);
  svr.set_keep_alive_timeout(30);
  svr.set_pre_routing_handler([&app](const httplib::Request& req, httplib::Response& res) { return PreRoute(app, req, res); });
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) SendJson(res, {res.status, {{"error", "no such page or endpoint (see docs/api.md)"}}});
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SendJson(res, {500, {{"error", "internal error"}}});
  });
  Routes(svr, app);

  const std::string host = o.bind == "::1" ? "::1" : o.bind;
  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(host);
    if (port <= 0) throw cli::InputError("--port 0: no free port on " + o.bind);
  } else if (!svr.bind_to_port(host, port)) {
    throw cli::InputError("--port " + std::to_string(port) + ": cannot listen on " + o.bind + ":" + std::to_string(port) +
                          " (in use? try --port 0)");
  }
  RaiseListenBacklog(port);
  app.security.allowed_hosts = AllowedHosts(o.bind == "::1" ? "[::1]" : o.bind, port);

  // SIGINT / SIGTERM stop the server from a thread of their own (stop() is not async-signal-safe).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    svr.stop();
  });
  on_listening("http://" + (o.bind == "::1" ? std::string("[::1]") : o.bind) + ":" + std::to_string(port) + "/");
  svr.listen_after_bind();
  if (waiter.joinable()) {
    pthread_kill(waiter.native_handle(), SIGTERM);  // wakes sigwait when the server stopped on its own
    waiter.join();
  }
  return cli::kExitOk;
}

}  // namespace shadecast::serve
