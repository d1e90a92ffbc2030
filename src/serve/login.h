#pragma once
// Logging in (issue 22), free of HTTP and of the database so the order of the checks is tested
// with a counting fake hasher: the address's rate limit and the account's lock come before any
// password is hashed (each argon2id hash costs 64 MiB), and at most LoginLimits::concurrent_hashes
// hashes run at once.
#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include "serve/sessions.h"
#include "store/database.h"

namespace shadecast::serve {

struct LoginDeps {
  std::function<std::optional<store::StaffMember>(const std::string& username)> find;
  // Database::RecordLogin: the outcome counted, the member as updated.
  std::function<store::StaffMember(const std::string& username, bool ok, int lock_after, const std::string& lock_until)>
      record;
  std::function<bool(const std::string& password, const std::string& hash)> verify;
  // Hashed against when the username is unknown, so an unknown name costs the same time.
  std::string dummy_hash;
};

struct LoginOutcome {
  int status = 401;          // 200, 401 wrong, 423 locked, 429 too many, 503 busy
  std::string message;       // plain words for the page
  int retry_after = 0;       // seconds, for 429 / 503 / 423
  std::optional<store::StaffMember> member;  // on 200
};

// `now`: seconds since the epoch (UTC); lock times are compared as "YYYY-MM-DDTHH:MM:SSZ".
LoginOutcome Login(LoginGate& gate, const LoginDeps& deps, const std::string& ip, const std::string& username,
                   const std::string& password, std::time_t now);

// "YYYY-MM-DDTHH:MM:SSZ" of `t`.
std::string UtcIso(std::time_t t);

}  // namespace shadecast::serve
