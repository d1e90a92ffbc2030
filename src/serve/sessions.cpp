#include "serve/sessions.h"

#include <cmath>

#include "serve/security.h"

namespace shadecast::serve {

StaffSession Sessions::Create(int staff_id, const std::string& username, const std::string& role, double now,
                              const std::string& credential) {
  StaffSession s{NewToken(), NewToken(), staff_id, username, role, now, now, credential};
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[s.id] = s;
  return s;
}

std::optional<StaffSession> Sessions::Touch(const std::string& id, double now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  StaffSession& s = it->second;
  if (now - s.last_seen > limits_.idle_seconds || now - s.created > limits_.absolute_seconds) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.last_seen = now;
  return s;
}

void Sessions::Revoke(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

int Sessions::RevokeStaff(int staff_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.staff_id == staff_id) {
      it = sessions_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

size_t Sessions::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

int LoginGate::Admit(const std::string& ip, double now) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Forget addresses whose attempts have all left the window (the map stays small).
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    auto& q = it->second;
    while (!q.empty() && now - q.front() >= limits_.window_seconds) q.pop_front();
    it = q.empty() ? attempts_.erase(it) : std::next(it);
  }
  auto& q = attempts_[ip];
  if (static_cast<int>(q.size()) >= limits_.per_ip)
    return std::max(1, static_cast<int>(std::ceil(q.front() + limits_.window_seconds - now)));
  q.push_back(now);
  return 0;
}

std::optional<LoginGate::HashSlot> LoginGate::TryHash() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (hashing_ >= limits_.concurrent_hashes) return std::nullopt;
  ++hashing_;
  return HashSlot(this);
}

LoginGate::HashSlot::~HashSlot() {
  if (!gate_) return;
  std::lock_guard<std::mutex> lock(gate_->mutex_);
  --gate_->hashing_;
}

}  // namespace shadecast::serve
