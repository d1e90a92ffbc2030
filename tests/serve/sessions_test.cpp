// Sessions (idle and absolute expiry, revocation) and the login gate's order with a counting fake
// hasher: rate limit and lock before any hash, bounded concurrent hashes. Reference: issue 22
// ("login rate limiting applied before hashing", "lockout with a clear message") and the limits of
// src/serve/sessions.h. Times are given, not waited for.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "serve/login.h"
#include "serve/sessions.h"

using namespace shadecast::serve;
using shadecast::store::StaffMember;

TEST_CASE("sessions expire when idle and at their absolute age and are revoked per member") {
  Sessions s({/*idle*/ 60, /*absolute*/ 600});
  const auto a = s.Create(1, "mona", "manager", 0);
  const auto b = s.Create(1, "mona", "manager", 0);
  const auto c = s.Create(2, "tess", "technician", 0);
  CHECK(a.id.size() == 64);
  CHECK(a.id != b.id);
  CHECK(a.csrf != a.id);
  CHECK(s.Touch(a.id, 59));   // idle 59 s
  CHECK(s.Touch(a.id, 118));  // 59 s since the last touch
  CHECK(!s.Touch(a.id, 179)); // 61 s idle: gone
  CHECK(!s.Touch(a.id, 1));   // and stays gone
  for (double t = 50; t < 600; t += 50) CHECK(s.Touch(c.id, t));
  CHECK(!s.Touch(c.id, 601));  // busy all along, but past its absolute age
  CHECK(s.RevokeStaff(1) == 1);  // b (a already expired)
  CHECK(!s.Touch(b.id, 2));
  CHECK(!s.Touch("", 0));
}

namespace {

struct FakeStore {
  std::map<std::string, StaffMember> staff;
  int hashes = 0;
  LoginDeps Deps() {
    LoginDeps d;
    d.find = [this](const std::string& u) -> std::optional<StaffMember> {
      auto it = staff.find(u);
      if (it == staff.end()) return std::nullopt;
      return it->second;
    };
    d.record = [this](const std::string& u, bool ok, int lock_after, const std::string& until) {
      StaffMember& m = staff[u];
      if (ok) {
        m.failed_logins = 0;
        m.locked_until.clear();
      } else if (++m.failed_logins >= lock_after) {
        m.failed_logins = 0;
        m.locked_until = until;
      }
      return m;
    };
    d.verify = [this](const std::string& pw, const std::string& hash) {
      ++hashes;
      return "hash:" + pw == hash;
    };
    d.dummy_hash = "hash:dummy";
    return d;
  }
};

}  // namespace

TEST_CASE("the address's rate limit comes before any password is hashed") {
  FakeStore store;
  store.staff["mona"] = StaffMember{"mona", "manager", "hash:right password", "2026-01-01", 0, "", 1};
  LoginGate gate({/*per_ip*/ 3, /*window*/ 300, /*lock_after*/ 5, /*lock*/ 900, /*hashes*/ 2});
  const std::time_t t0 = 1'800'000'000;
  for (int i = 0; i < 3; ++i) CHECK(Login(gate, store.Deps(), "10.0.0.5", "nobody", "x", t0 + i).status == 401);
  CHECK(store.hashes == 3);  // unknown users cost a (dummy) hash too
  const auto limited = Login(gate, store.Deps(), "10.0.0.5", "mona", "right password", t0 + 10);
  CHECK(limited.status == 429);
  CHECK(limited.retry_after == 290);  // the oldest attempt leaves the 300 s window at t0 + 300
  CHECK(store.hashes == 3);           // no hash after the limit
  CHECK(Login(gate, store.Deps(), "10.0.0.6", "mona", "right password", t0 + 10).status == 200);  // another address
  CHECK(Login(gate, store.Deps(), "10.0.0.5", "mona", "right password", t0 + 300).status == 200);  // window moved
}

TEST_CASE("five wrong passwords lock the account and a locked account is refused without hashing") {
  FakeStore store;
  store.staff["tess"] = StaffMember{"tess", "technician", "hash:right password", "2026-01-01", 0, "", 2};
  LoginGate gate({100, 300, 5, 900, 2});
  const std::time_t t0 = 1'800'000'000;
  for (int i = 0; i < 4; ++i) CHECK(Login(gate, store.Deps(), "ip", "tess", "wrong", t0).status == 401);
  const auto fifth = Login(gate, store.Deps(), "ip", "tess", "wrong", t0);
  CHECK(fifth.status == 423);
  CHECK_THAT(fifth.message, Catch::Contains("locked") && Catch::Contains("shadecast staff unlock tess"));
  CHECK(fifth.retry_after == 900);
  const int before = store.hashes;
  CHECK(Login(gate, store.Deps(), "ip", "tess", "right password", t0 + 60).status == 423);
  CHECK(store.hashes == before);  // refused before hashing
  CHECK(Login(gate, store.Deps(), "ip", "tess", "right password", t0 + 901).status == 200);  // the lock ran out
  CHECK(store.staff["tess"].failed_logins == 0);
}

TEST_CASE("at most the configured number of hashes run at once") {
  LoginGate gate({100, 300, 5, 900, 2});
  auto a = gate.TryHash(), b = gate.TryHash();
  CHECK(a);
  CHECK(b);
  CHECK(!gate.TryHash());
  FakeStore store;
  store.staff["mona"] = StaffMember{"mona", "manager", "hash:pw", "2026-01-01", 0, "", 1};
  const auto busy = Login(gate, store.Deps(), "ip", "mona", "pw", 1'800'000'000);
  CHECK(busy.status == 503);
  CHECK(store.hashes == 0);
  a.reset();
  CHECK(Login(gate, store.Deps(), "ip", "mona", "pw", 1'800'000'000).status == 200);
}
