#include "serve/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace shadecast::serve {
namespace {

void InitSodium() {
  static const int ok = sodium_init();  // thread-safe once; -1 only when no random source exists
  if (ok < 0) throw std::runtime_error("libsodium could not start (no random source)");
}

}  // namespace

const std::vector<std::string>& StaffRoles() {
  static const std::vector<std::string> roles = {"technician", "front_desk", "manager"};
  return roles;
}

bool IsStaffRole(const std::string& role) {
  const auto& r = StaffRoles();
  return std::find(r.begin(), r.end(), role) != r.end();
}

bool IsValidUsername(const std::string& u) {
  if (u.empty() || u.size() > 64 || !std::isalnum(static_cast<unsigned char>(u[0]))) return false;
  return std::all_of(u.begin(), u.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::string PasswordProblem(const std::string& password, const std::string& username) {
  if (password.size() < 10) return "the password needs at least 10 characters";
  if (password.size() > 200) return "the password may have at most 200 characters";
  if (password == username) return "the password must not be the username";
  return "";
}

std::string HashPassword(const std::string& password) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("could not hash the password (out of memory)");
  return out;
}

bool VerifyPassword(const std::string& password, const std::string& hash) {
  InitSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace shadecast::serve
