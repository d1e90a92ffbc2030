#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace shadecast::test {
namespace fs = std::filesystem;

fs::path TestData(const std::string& name) { return fs::path(SHADECAST_TEST_DATA_DIR) / name; }
fs::path RepoFile(const std::string& relative) { return fs::path(SHADECAST_REPO_DIR) / relative; }

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("test cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("shadecast_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

RunResult RunShadecast(const std::string& args, const fs::path& cwd) {
  TempDir scratch;
  const fs::path dir = cwd.empty() ? scratch.path() : cwd;
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const std::string cmd = "cd '" + dir.string() + "' && SHADECAST_TODAY=2026-01-15 SHADECAST_DB=./test.db '" +
                          std::string(SHADECAST_BIN) + "' " + args + " >'" + out.string() + "' 2>'" +
                          err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadText(out);
  r.err = ReadText(err);
  return r;
}

}  // namespace shadecast::test
