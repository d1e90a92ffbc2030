#pragma once
// Logged-in sessions of the app and the login gate in front of password hashing (issue 22). No I/O
// and no clock of their own: `now` (seconds, any monotonic origin) is passed in, so expiry and rate
// limits are tested without waiting.
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace shadecast::serve {

struct SessionLimits {
  double idle_seconds = 30 * 60;         // --session-idle-minutes (30)
  double absolute_seconds = 12 * 3600;   // --session-hours (12): one clinic day
};

struct StaffSession {
  std::string id;       // the cookie value: 32 random bytes, hex
  std::string csrf;     // this session's CSRF token (X-CSRF-Token)
  int staff_id = 0;
  std::string username, role;
  double created = 0, last_seen = 0;
  // The password hash at login: a session whose member's hash or role has since changed in the
  // database (`shadecast staff passwd` while the app runs) is ended at its next request.
  std::string credential;
};

// Server-side sessions, in memory (a restart logs everyone out). Thread-safe.
class Sessions {
 public:
  explicit Sessions(SessionLimits limits) : limits_(limits) {}
  // A new session with a new id (never one the browser offered: no fixation).
  StaffSession Create(int staff_id, const std::string& username, const std::string& role, double now,
                      const std::string& credential = "");
  // The live session of `id`, its idle clock restarted; nullopt when unknown, idle too long or
  // past its absolute age (an expired session is removed).
  std::optional<StaffSession> Touch(const std::string& id, double now);
  void Revoke(const std::string& id);
  // Every session of one staff member (password change, lockout); returns how many.
  int RevokeStaff(int staff_id);
  size_t size() const;

 private:
  SessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, StaffSession> sessions_;
};

struct LoginLimits {
  int per_ip = 10;               // attempts from one address ...
  double window_seconds = 300;   // ... per 5 minutes, then 429 until the window frees a slot
  int lock_after = 5;            // failed logins in a row lock the account ...
  double lock_seconds = 15 * 60; // ... for 15 minutes
  int concurrent_hashes = 2;     // argon2id at 64 MiB each: at most this many at once, else 503
};

// The checks that run before a password is hashed. Admit() is called first for every attempt;
// only an admitted attempt may hash, holding a HashSlot while it does.
class LoginGate {
 public:
  explicit LoginGate(LoginLimits limits) : limits_(limits) {}
  // 0 when the attempt from `ip` may go on, else the seconds until it may (the 429's Retry-After).
  int Admit(const std::string& ip, double now);
  // A slot for one hash, or none when `concurrent_hashes` are running (503, Retry-After 1).
  class HashSlot {
   public:
    HashSlot(HashSlot&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    HashSlot(const HashSlot&) = delete;
    HashSlot& operator=(const HashSlot&) = delete;
    ~HashSlot();

   private:
    friend class LoginGate;
    explicit HashSlot(LoginGate* g) : gate_(g) {}
    LoginGate* gate_;
  };
  std::optional<HashSlot> TryHash();
  const LoginLimits& limits() const { return limits_; }

 private:
  LoginLimits limits_;
  std::mutex mutex_;
  std::map<std::string, std::deque<double>> attempts_;  // per address, times within the window
  int hashing_ = 0;
};

}  // namespace shadecast::serve
