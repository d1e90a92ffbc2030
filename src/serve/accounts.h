#pragma once
// Staff accounts of the app (issue 22): passwords hashed with argon2id (libsodium's
// crypto_pwhash_str: a self-describing "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string with its own
// random salt), roles, and the password rules. No I/O here.
#include <string>
#include <vector>

namespace shadecast::serve {

// The roles, in the words of docs/api.md's permission matrix.
const std::vector<std::string>& StaffRoles();  // technician, front_desk, manager
bool IsStaffRole(const std::string& role);

// Usernames: 1-64 of [a-z0-9._-], starting with a letter or digit.
bool IsValidUsername(const std::string& username);
// "" when the password is acceptable, else what is wrong (at least 10 bytes, at most 200, not the
// username).
std::string PasswordProblem(const std::string& password, const std::string& username);

// argon2id at libsodium's "interactive" cost (64 MiB, 2 passes: ~0.1 s). Throws std::runtime_error
// when the hash cannot be made (out of memory).
std::string HashPassword(const std::string& password);
// True when `password` matches `hash` (constant-time inside libsodium).
bool VerifyPassword(const std::string& password, const std::string& hash);

}  // namespace shadecast::serve
