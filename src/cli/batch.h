#pragma once
// Batches of independent jobs over the cores, with a progress bar on stderr (forecast --histories,
// fade backtest).
#include <cstddef>
#include <functional>
#include <string>

namespace shadecast::cli {

// `flag` when positive, else every core.
int BatchThreads(int flag);

// Runs work(i) for every i in [0, n) on `threads` threads (the caller's among them); `work` must
// not throw. A progress bar labelled `label` goes to stderr after every job when stderr is a
// terminal; otherwise every 5 % of the jobs, or never when `only_on_terminal`.
void RunBatch(size_t n, int threads, const std::string& label, bool only_on_terminal,
              const std::function<void(size_t)>& work);

}  // namespace shadecast::cli
