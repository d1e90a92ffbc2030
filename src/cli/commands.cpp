#include "cli/commands.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace shadecast::cli {
namespace {
struct Entry {
  int order;
  std::string name;
  RegisterFn fn;
};
std::vector<Entry>& Registry() {
  static std::vector<Entry> r;
  return r;
}
}  // namespace

bool AddCommand(int order, const char* name, RegisterFn fn) {
  Registry().push_back({order, name, fn});
  return true;
}

void RegisterAll(CLI::App& app, Action& action) {
  auto entries = Registry();
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return std::tie(a.order, a.name) < std::tie(b.order, b.name); });
  for (const auto& e : entries) e.fn(app, action);
}

}  // namespace shadecast::cli
