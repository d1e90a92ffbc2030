#pragma once
// A real `shadecast serve` on --port 0 for the serve tests, stopped at scope exit, and a JSON
// helper for its answers.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <cstdio>
#include <string>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace shadecast::test {

// The built binary serving `db` on a free port, stopped (SIGTERM) at scope exit.
class Server {
 public:
  Server(const std::string& db, const std::vector<std::string>& extra = {}) {
    std::signal(SIGPIPE, SIG_IGN);  // a write to a connection the server closed is an error, not death
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      setenv("SHADECAST_TODAY", "2026-01-15", 1);
      std::vector<std::string> args{SHADECAST_BIN, "serve", "--db", db, "--port", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(SHADECAST_BIN, argv.data());
      _exit(127);
    }
    close(fds[1]);
    // The first line names the URL; a server that neither prints nor exits within 60 s is a
    // failure here, not a hung test.
    std::string s;
    char buf[512];
    pollfd p{fds[0], POLLIN, 0};
    while (s.find('\n') == std::string::npos && poll(&p, 1, 60000) == 1) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      s.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    INFO("shadecast serve printed: " << s);
    const auto at = s.find("://127.0.0.1:");
    if (at == std::string::npos) Stop();
    REQUIRE(at != std::string::npos);
    tls_ = at >= 5 && s.compare(at - 5, 5, "https") == 0;
    port_ = std::stoi(s.substr(at + 13));
    for (size_t i = 0; i + 1 < extra.size(); ++i)
      if (extra[i] == "--tls-cert") ca_ = extra[i + 1];
  }
  ~Server() { Stop(); }
  // SIGTERM, then SIGKILL if the server has not exited within 40 s (httplib lets an idle keep-alive
  // connection finish its 30 s window); says so on stderr, as the test's own output.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 400; ++i) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) return void(pid_ = -1);  // exited (or reaped by Alive)
      usleep(100000);
    }
    std::fprintf(stderr, "shadecast serve did not stop within 40 s of SIGTERM: killed\n");
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  // False when the server has exited (a crash shows here rather than as refused connections).
  bool Alive() const {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) return true;
    if (WIFSIGNALED(status)) std::fprintf(stderr, "shadecast serve died of signal %d\n", WTERMSIG(status));
    else std::fprintf(stderr, "shadecast serve exited with %d\n", WEXITSTATUS(status));
    return false;
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  bool tls() const { return tls_; }
  // A client for the server's own scheme; over TLS it verifies the server's certificate against
  // the test certificate (its subjectAltName is 127.0.0.1).
  httplib::Client Client() const {
    httplib::Client c((tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_));
    if (tls_) c.set_ca_cert_path(ca_.c_str());
    c.set_read_timeout(30, 0);
    c.set_write_timeout(30, 0);
    c.set_connection_timeout(20, 0);  // httplib's default is 300 s: a lost connect fails here, not as a hang
    return c;
  }
  std::string Csrf() const {
    auto c = Client();
    auto r = c.Get("/api/session");
    REQUIRE(r);
    return nlohmann::json::parse(r->body)["csrf_token"].get<std::string>();
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool tls_ = false;
  std::string ca_;
};

// Sends `request` (raw bytes) to 127.0.0.1:port and returns the first response (status line,
// headers and its Content-Length body), or what arrived within 20 s. The connection stays open
// while reading, so a refusal sent before a body can be seen without sending the body at all.
inline std::string RawExchange(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string got;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const auto head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto cl = got.find("Content-Length: ");
      const size_t len = cl == std::string::npos || cl > head_end ? 0 : std::stoul(got.substr(cl + 16));
      if (got.size() >= head_end + 4 + len) break;
    }
    if (poll(&p, 1, 20000) != 1) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return got;
}

inline nlohmann::json Json(const httplib::Result& r) {
  REQUIRE(r);
  return nlohmann::json::parse(r->body);
}

}  // namespace shadecast::test
