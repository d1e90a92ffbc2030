// shadecast staff add|list (issue 22): the first manager from the CLI, the password from a file or
// stdin and stored only as an argon2id hash (checked on the database file's bytes).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "support/test_support.h"

using shadecast::test::ReadText;
using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

TEST_CASE("staff add stores an argon2id hash and never the password") {
  TempDir dir;
  {
    std::ofstream f(dir / "pw.txt");
    f << "Plain-Secret-2026\n";
  }
  auto r = RunShadecast("staff add boss --role manager --password-file pw.txt --json", dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["role"] == "manager");
  const auto list = nlohmann::json::parse(RunShadecast("staff list --json", dir.path()).out);
  REQUIRE(list["staff"].size() == 1);
  CHECK(list["staff"][0]["username"] == "boss");
  CHECK_FALSE(list["staff"][0].contains("password_hash"));
  // Through stdin too.
  const std::string cmd = "cd '" + dir.path().string() + "' && SHADECAST_TODAY=2026-01-15 SHADECAST_DB=./test.db '" +
                          std::string(SHADECAST_BIN) + "' staff add tech.1 --role technician --password-stdin < pw.txt > /dev/null";
  CHECK(std::system(cmd.c_str()) == 0);
  CHECK(nlohmann::json::parse(RunShadecast("staff list --json", dir.path()).out)["staff"].size() == 2);
  // The file holds the hashes, not the password (WAL checkpointed at close).
  std::string bytes = ReadText(dir / "test.db");
  if (std::ifstream(dir / "test.db-wal")) bytes += ReadText(dir / "test.db-wal");
  CHECK(bytes.find("Plain-Secret-2026") == std::string::npos);
  CHECK(bytes.find("$argon2id$") != std::string::npos);
}

TEST_CASE("staff add refuses bad names roles passwords and duplicates with what to do") {
  TempDir dir;
  {
    std::ofstream f(dir / "short.txt");
    f << "short\n";
    std::ofstream g(dir / "ok.txt");
    g << "long enough pw\n";
  }
  auto r = RunShadecast("staff add boss --role admin --password-file ok.txt", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("technician, front_desk or manager") != std::string::npos);
  r = RunShadecast("staff add 'Bad Name' --role manager --password-file ok.txt", dir.path());
  CHECK(r.exit_code == 2);
  r = RunShadecast("staff add boss --role manager --password-file short.txt", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("at least 10") != std::string::npos);
  r = RunShadecast("staff add boss --role manager", dir.path());  // stdin is not a terminal
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--password-stdin") != std::string::npos);
  REQUIRE(RunShadecast("staff add boss --role manager --password-file ok.txt", dir.path()).exit_code == 0);
  r = RunShadecast("staff add boss --role technician --password-file ok.txt", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(nlohmann::json::parse(RunShadecast("staff list --json", dir.path()).out)["staff"].size() == 1);
}

TEST_CASE("staff passwd changes the hash, staff unlock and audit list what happened by id") {
  TempDir dir;
  {
    std::ofstream(dir / "pw1.txt") << "first long password\n";
    std::ofstream(dir / "pw2.txt") << "second long password\n";
  }
  REQUIRE(RunShadecast("staff add boss --role manager --password-file pw1.txt", dir.path()).exit_code == 0);
  auto r = RunShadecast("staff passwd boss --password-file pw2.txt --json", dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["password_changed"] == true);
  CHECK(RunShadecast("staff passwd nobody --password-file pw2.txt", dir.path()).exit_code == 2);
  CHECK(RunShadecast("staff unlock boss", dir.path()).exit_code == 0);
  CHECK(RunShadecast("staff unlock nobody", dir.path()).exit_code == 2);
  REQUIRE(RunShadecast("client add c1 --name 'Jo Smith'", dir.path()).exit_code == 0);
  const auto audit = nlohmann::json::parse(RunShadecast("audit --json", dir.path()).out)["audit"];
  std::vector<std::string> actions;
  for (const auto& row : audit) {
    actions.push_back(row["action"]);
    CHECK(row["actor"] == "cli");
  }
  CHECK(actions == std::vector<std::string>{"staff.add", "staff.password", "staff.unlock", "client.add"});
  CHECK(audit[3]["object_id"] == "c1");
  const auto text = RunShadecast("audit --client c1", dir.path());
  CHECK_THAT(text.out, Catch::Contains("client.add") && !Catch::Contains("staff.add") && !Catch::Contains("Jo Smith"));
}
