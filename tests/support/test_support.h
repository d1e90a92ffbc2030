#pragma once
// Helpers shared by the tests: test data files, a private temporary directory, running the CLI.
#include <filesystem>
#include <string>

namespace shadecast::test {

// True in the clang AddressSanitizer build (tools/sanitize, build-asan/): there a few tests whose
// cost is pure arithmetic (Monte Carlo photon runs) check fewer points; the sanitizer run is there
// to find memory and undefined-behaviour errors, the GCC build checks the accuracy at full size.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// tests/data/<name> (files copied in from ../shared with their source lines).
std::filesystem::path TestData(const std::string& name);
// <repo>/<relative> (shipped data: data/..., calibration/...).
std::filesystem::path RepoFile(const std::string& relative);
std::string ReadText(const std::filesystem::path& p);

// A fresh directory removed at scope exit: every test that writes uses its own.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the built shadecast binary with `args` (a shell-quoted string) and SHADECAST_TODAY fixed
// to 2026-01-15, from the working directory `cwd` (default: a temporary one).
RunResult RunShadecast(const std::string& args, const std::filesystem::path& cwd = {});

}  // namespace shadecast::test
