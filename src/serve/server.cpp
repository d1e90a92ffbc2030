#include "serve/server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <pthread.h>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/common.h"
#include "cli/records.h"
#include "serve/api.h"
#include "serve/api_work.h"
#include "store/files.h"
#include "serve/accounts.h"
#include "serve/permissions.h"
#include "serve/security.h"
#include "store/database.h"

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
  for (const auto& [k, v] : r.headers) res.set_header(k.c_str(), v);
  AddSecurityHeaders(res);
}

void SendRefusal(httplib::Response& res, const Refusal& r) {
  SendJson(res, {r.status, {{"error", r.message}}});
  res.set_header("Connection", "close");  // the body (if any) is not read
}

// A session lives only while its member does with the same password and role (a change from the
// CLI while the app runs ends it here).
bool StillValid(AppContext& app, const StaffSession& s) {
  std::lock_guard<std::mutex> lock(app.db_mutex);
  const auto m = cli::OpenDatabase(app.db)->FindStaff(s.username);
  return m && m->id == s.staff_id && m->role == s.role && m->password_hash == s.credential;
}

// The checks of serve/security.h, before the body is read or anything is routed.
httplib::Server::HandlerResponse PreRoute(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const RequestHead head = Head(req);
  auto& session = RequestSession();  // this worker thread's: set afresh for every request
  session.reset();
  store::SetThreadActor("app");
  auto refusal = CheckRequest(head, app.security);
  if (!refusal && !app.login_required) refusal = CheckCsrf(head, app.security);
  if (!refusal && app.login_required) {
    const std::string id = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
    if (!id.empty()) session = app.sessions->Touch(id, static_cast<double>(std::time(nullptr)));
    if (session && !StillValid(app, *session)) {
      app.sessions->RevokeStaff(session->staff_id);
      session.reset();
    }
    if (session) store::SetThreadActor("staff:" + std::to_string(session->staff_id));
    refusal = CheckAccess(head, session);
  }
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
  svr.Post("/api/login", json([](AppContext& a, const httplib::Request& r) { return ApiLogin(a, r.body, r.remote_addr); }));
  svr.Post("/api/logout", json([](AppContext& a, const httplib::Request&) { return ApiLogout(a); }));
  svr.Post("/api/password",
           json([](AppContext& a, const httplib::Request& r) { return ApiPassword(a, r.body, r.remote_addr); }));
  svr.Get("/api/staff", json([](AppContext& a, const httplib::Request&) { return ApiStaffList(a); }));
  svr.Post("/api/staff", json([](AppContext& a, const httplib::Request& r) { return ApiStaffAdd(a, r.body); }));
  svr.Post(R"(/api/staff/([^/]+)/unlock)",
           json([](AppContext& a, const httplib::Request& r) { return ApiStaffUnlock(a, r.matches[1]); }));
  svr.Get("/api/audit", json([](AppContext& a, const httplib::Request& r) { return ApiAudit(a, r.get_param_value("client")); }));
  svr.Get(R"(/api/clients/([^/]+)/export)",
          json([](AppContext& a, const httplib::Request& r) { return ApiExport(a, r.matches[1]); }));
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

// Off loopback the app needs TLS and staff accounts (issue 22); with TLS it always asks for a login.
void CheckBindRules(const ServeOptions& o) {
  if (o.port < 0 || o.port > 65535) throw cli::InputError("--port: expected 0-65535 (0: any free port)");
  if (o.tls_cert.empty() != o.tls_key.empty())
    throw cli::InputError("--tls-cert and --tls-key go together: give the certificate and its private key (PEM files)");
  const bool tls = !o.tls_cert.empty();
  if (!tls && !IsLoopback(o.bind))
    throw cli::InputError("--bind " + o.bind +
                          ": other computers of the clinic may reach the app only over TLS with staff logins; start it "
                          "with --tls-cert CERT.pem --tls-key KEY.pem (the clinic's certificate for this computer) after "
                          "creating the first manager with `shadecast staff add NAME --role manager`");
  if (!tls) return;
  for (const auto* f : {&o.tls_cert, &o.tls_key})
    if (!fs::is_regular_file(*f)) throw cli::InputError((f == &o.tls_cert ? "--tls-cert " : "--tls-key ") + *f + ": no such file");
  bool manager = false;
  for (const auto& m : cli::OpenDatabase(o.db)->ListStaff()) manager = manager || m.role == "manager";
  if (!manager)
    throw cli::InputError(o.db + ": no manager account yet, so nobody could log in; create the first one with "
                          "`shadecast staff add NAME --role manager --db " + o.db + "`");
}

// The Host values a browser may send: loopback names, and for a wildcard bind this computer's
// addresses and host name.
std::vector<std::string> HostsFor(const std::string& bind, int port) {
  std::vector<std::string> hosts = AllowedHosts(bind == "::1" ? "[::1]" : bind, port);
  if (bind != "0.0.0.0" && bind != "::") return hosts;
  auto add = [&](const std::string& h) {
    for (const auto& v : AllowedHosts(h, port)) hosts.push_back(v);
  };
  add("127.0.0.1");
  add("[::1]");
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* i = list; i; i = i->ifa_next) {
      if (!i->ifa_addr) continue;
      char buf[INET6_ADDRSTRLEN] = {0};
      if (i->ifa_addr->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        add(buf);
      } else if (i->ifa_addr->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
        add("[" + std::string(buf) + "]");
      }
    }
    freeifaddrs(list);
  }
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) == 0 && name[0]) {
    add(name);
    add(std::string(name) + ".local");
  }
  return hosts;
}

void Configure(httplib::Server& svr, AppContext& app, size_t max_body_bytes) {
  svr.set_payload_max_length(max_body_bytes);  // a backstop behind CheckRequest
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
}

// Listens until SIGINT / SIGTERM (blocked in `signals` by the caller before any thread started).
void RunUntilSignal(httplib::Server& svr, sigset_t signals, const std::function<void()>& on_listening) {
  // httplib's stop() does nothing until listen has begun (is_running), so a signal that arrives in
  // between waits for it rather than being lost (the server would then never exit).
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    while (!finished && !svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!finished) svr.stop();
  });
  on_listening();
  svr.listen_after_bind();
  finished = true;
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes sigwait when the server stopped on its own
  waiter.join();
}

}  // namespace

int Serve(const ServeOptions& o, const std::function<void(const std::string& url)>& on_listening) {
  CheckBindRules(o);
  const bool tls = !o.tls_cert.empty();
  // SIGINT / SIGTERM are blocked before any thread starts (every thread inherits the mask), so
  // only RunUntilSignal's waiter takes them; stop() is not async-signal-safe.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  AppContext app;
  app.db = o.db;
  app.as_of = o.as_of;
  app.version = o.version;
  app.data_dir = o.data_dir.empty() ? o.db + ".data" : o.data_dir;
  app.security.max_body_bytes = o.max_body_bytes;
  app.security.csrf_token = NewToken();
  app.security.scheme = tls ? "https" : "http";
  app.login_required = tls;
  if (tls) {
    app.sessions = std::make_unique<Sessions>(o.session_limits);
    app.login_gate = std::make_unique<LoginGate>(o.login_limits);
    app.dummy_hash = HashPassword(NewToken());
  }
  app.jobs = std::make_unique<Jobs>();
  cli::Today(o.as_of);  // a malformed --as-of fails now, not on the first request

  std::unique_ptr<httplib::Server> svr;
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!ssl->is_valid())
      throw cli::InputError("--tls-cert " + o.tls_cert + " / --tls-key " + o.tls_key +
                            ": not a PEM certificate and its matching private key");
    svr = std::move(ssl);
  } else {
    svr = std::make_unique<httplib::Server>();
  }
  Configure(*svr, app, o.max_body_bytes);

  const std::string host = o.bind == "::1" ? "::1" : o.bind;
  int port = o.port;
  if (port == 0) {
    port = svr->bind_to_any_port(host);
    if (port <= 0) throw cli::InputError("--port 0: no free port on " + o.bind);
  } else if (!svr->bind_to_port(host, port)) {
    throw cli::InputError("--port " + std::to_string(port) + ": cannot listen on " + o.bind + ":" + std::to_string(port) +
                          " (in use? try --port 0)");
  }
  RaiseListenBacklog(port);
  app.security.allowed_hosts = HostsFor(o.bind, port);
  const std::string scheme = tls ? "https://" : "http://";
  const std::string shown = o.bind == "::1" ? "[::1]" : o.bind == "0.0.0.0" || o.bind == "::" ? "127.0.0.1" : o.bind;
  RunUntilSignal(*svr, stop_signals, [&] { on_listening(scheme + shown + ":" + std::to_string(port) + "/"); });
  return cli::kExitOk;
}

}  // namespace shadecast::serve
