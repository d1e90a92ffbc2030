// `shadecast due` on a clinic database of N synthetic clients (default 10,000), each with two
// sessions, three follow-ups and a stored forecast. Prints the time to build the database and the
// median time of the due query (the part a front desk waits for).
// Usage: build/bin/due_bench [clients] [db path, default /tmp/shadecast_due_bench.db]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <vector>

#include "store/database.h"

namespace pb = shadecast::pb;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/shadecast_due_bench.db";
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  auto db = shadecast::store::Database::Open(path);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> year(2027, 2032), month(1, 12), day(1, 28);
  char buf[16];
  for (int i = 0; i < n; ++i) {
    pb::ClientHistory h;
    h.set_client_id("c" + std::to_string(i));
    h.set_name("Client " + std::to_string(i));
    for (const char* d : {"2024-03-01", "2024-03-15"}) {
      auto* s = h.add_sessions();
      s->set_date(d);
      auto* c = s->mutable_recipe()->add_components();
      c->set_pigment("carbon_black");
      c->set_fraction(1);
      s->mutable_recipe()->set_load(0.2);
    }
    for (const char* d : {"2024-06-01", "2025-03-01", "2026-03-01"}) {
      auto* v = h.add_follow_ups();
      v->set_date(d);
      v->mutable_dot_lab()->set_l(45);
      v->mutable_skin_lab()->set_l(65);
    }
    db->ImportHistory(h, false, "2026-11-22");
    pb::Forecast f;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year(rng), month(rng), day(rng));
    f.set_touchup_p50(buf);
    f.set_touchup_p10("2026-01-01");
    f.set_touchup_p90("2034-01-01");
    db->AddForecast(h.client_id(), "2026-11-22", f);
  }
  const double build_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::vector<double> times;
  size_t found = 0;
  for (int r = 0; r < 7; ++r) {
    auto q0 = clock::now();
    found = db->Due("2027-01-21").size();
    times.push_back(std::chrono::duration<double, std::milli>(clock::now() - q0).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("due over %d clients: median %.1f ms (min %.1f, max %.1f) for %zu due; database built in %.1f s\n", n,
              times[times.size() / 2], times.front(), times.back(), found, build_s);
  return 0;
}
