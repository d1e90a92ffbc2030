#include "serve/login.h"

namespace shadecast::serve {

std::string UtcIso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

LoginOutcome Locked(const std::string& username, const std::string& until, std::time_t now) {
  const std::string hhmm = until.size() >= 16 ? until.substr(11, 5) : until;
  LoginOutcome o{423,
                 "the account '" + username + "' is locked after repeated wrong passwords until " + hhmm +
                     " UTC; a manager can unlock it now (`shadecast staff unlock " + username + "`)",
                 0, std::nullopt};
  // Retry-After: the seconds left, read back from the ISO time (the lock was set by this clock).
  std::tm u{};
  if (strptime(until.c_str(), "%Y-%m-%dT%H:%M:%SZ", &u)) o.retry_after = std::max<int>(1, static_cast<int>(timegm(&u) - now));
  return o;
}

}  // namespace

LoginOutcome Login(LoginGate& gate, const LoginDeps& deps, const std::string& ip, const std::string& username,
                   const std::string& password, std::time_t now) {
  if (const int wait = gate.Admit(ip, static_cast<double>(now)); wait > 0)
    return {429, "too many login attempts from this computer; try again in " + std::to_string(wait) + " s", wait, {}};
  const auto member = deps.find(username);
  const std::string now_iso = UtcIso(now);
  if (member && !member->locked_until.empty() && member->locked_until > now_iso)
    return Locked(username, member->locked_until, now);
  auto slot = gate.TryHash();
  if (!slot) return {503, "the app is busy checking other logins; try again in a second", 1, {}};
  if (!member) {
    deps.verify(password, deps.dummy_hash);  // the same cost as a real account
    return {401, "wrong username or password", 0, {}};
  }
  const bool ok = deps.verify(password, member->password_hash);
  const auto lim = gate.limits();
  const auto updated =
      deps.record(username, ok, lim.lock_after, UtcIso(now + static_cast<std::time_t>(lim.lock_seconds)));
  if (ok) return {200, "logged in as " + username, 0, updated};
  if (!updated.locked_until.empty()) return Locked(username, updated.locked_until, now);
  return {401, "wrong username or password", 0, {}};
}

}  // namespace shadecast::serve
