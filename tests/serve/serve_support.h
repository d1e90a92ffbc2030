#pragma once
// A real `shadecast serve` on --port 0 for the serve tests, stopped at scope exit, and a JSON
// helper for its answers.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace shadecast::test {

// The built binary serving `db` on a free port, stopped (SIGTERM) at scope exit.
class Server {
 public:
  Server(const std::string& db, const std::vector<std::string>& extra = {}) {
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
    FILE* f = fdopen(fds[0], "r");
    char line[512] = {0};
    const bool got = std::fgets(line, sizeof line, f) != nullptr;
    std::fclose(f);
    REQUIRE(got);
    const std::string s = line;
    const auto at = s.find("http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    port_ = std::stoi(s.substr(at + 17));
  }
  ~Server() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
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
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
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
};

inline nlohmann::json Json(const httplib::Result& r) {
  REQUIRE(r);
  return nlohmann::json::parse(r->body);
}

}  // namespace shadecast::test
