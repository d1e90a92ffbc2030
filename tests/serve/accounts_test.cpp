// Staff account primitives (src/serve/accounts.cpp, issue 22). Reference: libsodium's documented
// crypto_pwhash_str format for argon2id ("$argon2id$v=19$m=65536,t=2,p=1$..." at the interactive
// limits, https://doc.libsodium.org/password_hashing/default_phf); the rules of accounts.h.
#include <catch2/catch.hpp>

#include "serve/accounts.h"

namespace sv = shadecast::serve;

TEST_CASE("passwords are hashed with argon2id at the interactive cost and verified") {
  const std::string h = sv::HashPassword("correct horse battery");
  CHECK(h.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);
  CHECK(h.find("correct horse") == std::string::npos);
  CHECK(sv::VerifyPassword("correct horse battery", h));
  CHECK_FALSE(sv::VerifyPassword("correct horse batterY", h));
  CHECK_FALSE(sv::VerifyPassword("", h));
  CHECK(sv::HashPassword("correct horse battery") != h);  // a fresh salt each time
  CHECK_FALSE(sv::VerifyPassword("x", "not a hash"));
}

TEST_CASE("usernames roles and password rules") {
  CHECK(sv::IsValidUsername("jo.smith"));
  CHECK(sv::IsValidUsername("tech-2"));
  CHECK_FALSE(sv::IsValidUsername(""));
  CHECK_FALSE(sv::IsValidUsername("Jo"));       // lower case only: one spelling per person
  CHECK_FALSE(sv::IsValidUsername(".hidden"));
  CHECK_FALSE(sv::IsValidUsername("a b"));
  CHECK_FALSE(sv::IsValidUsername(std::string(65, 'a')));
  CHECK(sv::IsStaffRole("manager"));
  CHECK(sv::IsStaffRole("front_desk"));
  CHECK_FALSE(sv::IsStaffRole("admin"));
  CHECK(sv::PasswordProblem("short", "jo") != "");
  CHECK(sv::PasswordProblem("jo.smith.1", "jo.smith.1") != "");
  CHECK(sv::PasswordProblem(std::string(201, 'x'), "jo") != "");
  CHECK(sv::PasswordProblem("ten chars!", "jo") == "");
}
