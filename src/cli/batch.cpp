#include "cli/batch.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace shadecast::cli {

int BatchThreads(int flag) {
  return flag > 0 ? flag : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void RunBatch(size_t n, int threads, const std::string& label, bool only_on_terminal,
              const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0}, done{0};
  std::mutex io;
  const bool tty = isatty(fileno(stderr));
  auto progress = [&](size_t d) {
    const int width = 30;
    const int fill = static_cast<int>(width * d / n);
    std::fprintf(stderr, "\r%s [%s%s] %zu/%zu", label.c_str(), std::string(static_cast<size_t>(fill), '#').c_str(),
                 std::string(static_cast<size_t>(width - fill), '.').c_str(), d, n);
    if (d == n) std::fprintf(stderr, "\n");
  };
  auto loop = [&] {
    for (size_t i = next++; i < n; i = next++) {
      work(i);
      const size_t d = ++done;
      std::lock_guard<std::mutex> lock(io);
      if (tty || (!only_on_terminal && (d == n || d % std::max<size_t>(1, n / 20) == 0))) progress(d);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(loop);
  loop();
  for (auto& t : pool) t.join();
}

}  // namespace shadecast::cli
