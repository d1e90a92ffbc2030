// The bad-input matrix (issue 23): one command line per row, each run in the same folder holding a
// database, a photo, a chart photo, a profile and a history. For every row: the exit code, that the
// message names the input and says what was expected, that nothing was written (no new file) and
// that every input file is unchanged (bytes). docs/conventions.md lists the same rows
// ("Bad-input matrix"); the test checks they agree. Reference for the expected ranges: the flags'
// documented ranges (docs/conventions.md) and issue 23's list of holes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "support/test_support.h"

namespace fs = std::filesystem;
using shadecast::test::ReadText;
using shadecast::test::RepoFile;
using shadecast::test::RunShadecast;

namespace {

struct Row {
  const char* args;
  int exit_code;
  const char* names;   // the input the message must name
  const char* expect;  // and what it must say was expected (or why refused)
};

// Exit codes: docs/conventions.md (2 bad input).
const Row kRows[] = {
    {"client add 'bad id' --db c.db", 2, "client id 'bad id'", "1-64 letters"},
    {"client add c2 --uv 3 --db c.db", 2, "--uv", "from 0 to 2"},
    {"client add c2 --uv nan --db c.db", 2, "--uv", "got nan"},
    {"client add c1 --db c.db", 2, "'c1'", "already exists"},
    {"client show nobody --db c.db", 2, "'nobody'", "client list"},
    {"client erase nobody --db c.db", 2, "'nobody'", "no client"},
    {"session add --client c1 --date 2026-13-01 --recipe smp_carbon_black:1 --db c.db", 2, "--date", "YYYY-MM-DD"},
    {"session add --client c1 --date 2027-01-01 --recipe smp_carbon_black:1 --db c.db", 2, "--date", "in the future"},
    {"session add --client c1 --date 2026-01-10 --recipe unobtainium:1 --db c.db", 2, "'unobtainium'", "the library has"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --load 0 --db c.db", 2, "--load", "(0, 1]"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --load 1.5 --db c.db", 2, "--load", "(0, 1]"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --depth-mm -3 --db c.db", 2, "--depth-mm", "from 0 to 5"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --water-ml-per-ml -1 --db c.db", 2, "--water-ml-per-ml", "from 0 to 50"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --load 0.5 --water-ml-per-ml 5.2 --db c.db", 2, "--water-ml-per-ml", "give one"},
    {"session add --client c1 --date 2026-01-10 --recipe smp_carbon_black:1 --dot-diameter-mm 50 --db c.db", 2, "--dot-diameter-mm", "from 0 to 3"},
    {"session add --client nobody --date 2026-01-10 --recipe smp_carbon_black:1 --db c.db", 2, "'nobody'", "client list"},
    {"visit add --client c1 --date 2026-01-10 --dot-lab 120,0,0 --skin-lab 60,10,15 --db c.db", 2, "--dot-lab", "from 0 to 100"},
    {"visit add --client c1 --date 2026-01-10 --dot-lab 30,0,0 --skin-lab -4,10,15 --db c.db", 2, "--skin-lab", "from 0 to 100"},
    {"visit add --client c1 --date 2026-01-10 --dot-lab nan,0,0 --skin-lab 60,10,15 --db c.db", 2, "--dot-lab", "not a number"},
    {"visit add --client c1 --date 2026-01-10 --dot-lab 30,0 --skin-lab 60,10,15 --db c.db", 2, "--dot-lab", "expected 3"},
    {"visit add --client c1 --date 2026-01-10 --image empty.jpg --chart-in-frame --db c.db", 2, "empty.jpg", "0 bytes"},
    {"visit add --client c1 --date 2026-01-10 --image missing.jpg --chart-in-frame --db c.db", 2, "missing.jpg", "No such file"},
    {"import notes.txt --db c.db", 2, "notes.txt", "expected .textproto"},
    {"import missing.textproto --db c.db", 2, "missing.textproto", "neither a file nor a folder"},
    {"import hist.textproto --db c.db", 2, "hist.textproto", "--replace"},
    {"export --client nobody --out x.json --db c.db", 2, "'nobody'", "client list"},
    {"export --client demo001 --out x.docx --db c.db", 2, "x.docx", "expected .textproto"},
    {"due --within forever --db c.db", 2, "--within", "like 60d"},
    {"due --within -5d --db c.db", 2, "--within", "like 60d"},
    {"due --as-of 2026-02-30 --db c.db", 2, "--as-of", "not a valid calendar date"},
    {"due --as-of 9999-12-31 --db c.db", 2, "--as-of", "1900"},
    {"forecast --client nobody --db c.db", 2, "'nobody'", "client list"},
    {"forecast --client demo001 --draws 0 --db c.db", 2, "--draws", "10-1000000"},
    {"forecast --client demo001 --draws 100000000 --db c.db", 2, "--draws", "10-1000000"},
    {"forecast --client demo001 --years -1 --db c.db", 2, "--years", "(0, 50]"},
    {"forecast --client demo001 --years 1000 --db c.db", 2, "--years", "(0, 50]"},
    {"forecast --client demo001 --trigger nonsense --db c.db", 2, "--trigger", "KIND:THRESHOLD"},
    {"forecast --client demo001 --fit-until-months -3 --db c.db", 2, "--fit-until-months", "from 0.5 to 600"},
    {"forecast --history notes.txt", 2, "notes.txt", "expected .textproto"},
    {"measure --image empty.jpg --chart-in-frame", 2, "empty.jpg", "0 bytes"},
    {"measure --image missing.jpg --chart-in-frame", 2, "missing.jpg", "No such file"},
    {"measure --image notes.txt --chart-in-frame", 2, "notes.txt", "not an image"},
    {"measure --image photo.jpg --profile missing.pb", 2, "missing.pb", "No such file"},
    {"measure --image photo.jpg --profile notes.txt", 2, "notes.txt", "expected .textproto"},
    {"measure --image photo.jpg --chart-in-frame --px-per-mm 1e9", 2, "--px-per-mm", "from 1 to 500"},
    {"measure --image photo.jpg --chart-in-frame --px-per-mm -1", 2, "--px-per-mm", "from 1 to 500"},
    {"measure --image photo.jpg --chart-in-frame --roi 0,0,0,0", 2, "--roi", "must be > 0"},
    {"measure --image photo.jpg --chart-in-frame --overlay photo.jpg", 2, "--overlay photo.jpg", "input is not overwritten"},
    {"consult --client c1 --image photo.jpg --chart-in-frame --report photo.jpg --db c.db", 2, "--report photo.jpg", "input is not overwritten"},
    {"consult --client c1 --image photo.jpg --chart-in-frame --sessions 0 --db c.db", 2, "sessions", "expected 1-4"},
    {"consult --client c1 --image photo.jpg --chart-in-frame --sessions 99 --db c.db", 2, "sessions", "expected 1-4"},
    {"consult --client c1 --image photo.jpg --chart-in-frame --interval-days 3 --db c.db", 2, "interval days", "10-14 days"},
    {"consult --client c1 --image photo.jpg --chart-in-frame --start 2026-02-31 --db c.db", 2, "--start", "YYYY-MM-DD"},
    {"consult --client nobody --image photo.jpg --chart-in-frame --db c.db", 2, "'nobody'", "client add"},
    {"calibrate --image empty.jpg --out q.pb", 2, "empty.jpg", "0 bytes"},
    {"calibrate --image chart.jpg --out chart.jpg", 2, "--out chart.jpg", "input is not overwritten"},
    {"calibrate --image chart.jpg --out q.pb --icc chart.jpg", 2, "--icc chart.jpg", "input is not overwritten"},
    {"calibrate --image chart.jpg --corners 1,2,3 --out q.pb", 2, "--corners", "expected 8"},
    {"profile check --profile notes.txt --image chart.jpg", 2, "notes.txt", "expected .textproto"},
    {"profile apply --profile p.pb --rgb notes.txt", 2, "notes.txt", "no data rows"},
    {"match --follicle 20,1,2", 2, "--skin", "--measurement"},
    {"match --follicle 20,1,2 --skin 500,0,0", 2, "--skin", "0-100"},
    {"match --stubble 20,1,2 --skin 60,10,15 --density-per-cm2 -4", 2, "--density-per-cm2", "0-1000"},
    {"match --stubble 20,1,2 --skin 60,10,15 --interval-days 40", 2, "interval days", "10-14 days"},
    {"match --measurement notes.txt", 2, "notes.txt", "not a measurement JSON"},
    {"color delta-e 1e308,0,0 50,0,0", 2, "LAB1", "from 0 to 100"},
    {"color delta-e 50,0 50,0,0", 2, "LAB1", "expected 3"},
    {"staff add 'Bad Name' --role manager --password-file notes.txt --db c.db", 2, "username 'Bad Name'", "a-z, 0-9"},
    {"staff add boss --role admin --password-file notes.txt --db c.db", 2, "--role admin", "technician, front_desk or manager"},
    {"staff add boss --role manager --password-file notes.txt --db c.db", 2, "password", "at least 10"},
    {"staff add boss --role manager --password-file missing.txt --db c.db", 2, "missing.txt", "cannot read"},
    {"staff passwd nobody --password-file notes.txt --db c.db", 2, "'nobody'", "no staff member"},
    {"serve --bind 0.0.0.0 --port 0 --db c.db", 2, "--bind 0.0.0.0", "--tls-cert"},
    {"serve --port 70000 --db c.db", 2, "--port", "0-65535"},
    {"serve --max-upload-mb 0 --db c.db", 2, "--max-upload-mb", "more than 0"},
    {"serve --tls-cert notes.txt --port 0 --db c.db", 2, "--tls-key", "go together"},
    {"audit --db notes.txt", 2, "notes.txt", "not a database"},
    {"client list --db notes.txt", 2, "notes.txt", "not a database"},
};

std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.size() > 4 && (n.compare(n.size() - 4, 4, "-wal") == 0 || n.compare(n.size() - 4, 4, "-shm") == 0)) continue;
    files[n] = ReadText(e.path());
  }
  return files;
}

}  // namespace

TEST_CASE("bad input: each row exits 2 naming the input and the range with nothing written and no input changed") {
  shadecast::test::TempDir dir;
  fs::copy_file(RepoFile("data/samples/consult_scalp.jpg"), dir / "photo.jpg");
  fs::copy_file(RepoFile("data/samples/clinic_chart.jpg"), dir / "chart.jpg");
  fs::copy_file(RepoFile("data/samples/client_demo.textproto"), dir / "hist.textproto");
  std::ofstream(dir / "empty.jpg").close();
  std::ofstream(dir / "notes.txt") << "hello\n";
  REQUIRE(RunShadecast("import hist.textproto --db c.db", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("client add c1 --name Ann --db c.db", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("calibrate --image chart.jpg --out p.pb", dir.path()).exit_code == 0);
  const auto before = Snapshot(dir.path());
  REQUIRE(std::size(kRows) >= 60);
  for (const Row& row : kRows) {
    const auto r = RunShadecast(row.args, dir.path());
    INFO(row.args << "\nexit " << r.exit_code << "\nstderr: " << r.err);
    CHECK(r.exit_code == row.exit_code);
    CHECK(r.err.find(row.names) != std::string::npos);
    CHECK(r.err.find(row.expect) != std::string::npos);
    CHECK(r.out.empty());
    const auto after = Snapshot(dir.path());
    CHECK(after.size() == before.size());  // nothing written
    for (const auto& [name, bytes] : before) {
      INFO(name);
      CHECK((after.count(name) && after.at(name) == bytes));  // inputs (and the database) unchanged
    }
  }
}

TEST_CASE("docs/conventions.md lists the bad-input matrix") {
  const std::string doc = ReadText(RepoFile("docs/conventions.md"));
  for (const Row& row : kRows) {
    INFO(row.args);
    CHECK(doc.find(std::string("| `") + row.args + "` | " + std::to_string(row.exit_code) + " |") != std::string::npos);
  }
}
