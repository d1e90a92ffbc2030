// The project's CSV text: comments, header, quoted cells (RFC 4180), errors naming the source.
#include "color/csv.h"

#include <catch2/catch.hpp>

namespace sc = shadecast::color;

TEST_CASE("CSV: quoted cells keep commas, quotes, line breaks and spaces") {
  const auto t = sc::ParseCsv("# note\nid,text, n\n a ,\"x, y\",1\nb,\"say \"\"hi\"\"\nthere\",2\nc,\" pad \",3\n", "q.csv");
  REQUIRE(t.header == std::vector<std::string>{"id", "text", "n"});
  REQUIRE(t.comments == std::vector<std::string>{"note"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0] == std::vector<std::string>{"a", "x, y", "1"});
  CHECK(t.rows[1][1] == "say \"hi\"\nthere");
  CHECK(t.rows[2][1] == " pad ");
  CHECK(t.Number(2, 2) == 3.0);
  // A row after a multi-line cell is counted on its own line in errors.
  try {
    sc::ParseCsv("a,b\n\"x\ny\",1\n1,2,3\n", "lines.csv");
    FAIL("expected an error");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("lines.csv: line 4 has 3 columns"));
  }
}

TEST_CASE("CSV: CsvCell quotes exactly what needs it, and reads back the same") {
  CHECK(sc::CsvCell("plain") == "plain");
  CHECK(sc::CsvCell("") == "");
  CHECK(sc::CsvCell("a,b") == "\"a,b\"");
  CHECK(sc::CsvCell("#x") == "\"#x\"");
  for (const std::string s : {"a,b", "say \"hi\"", "two\nlines", " lead", "trail\t", "#hash", "cr\r\nlf"}) {
    const auto t = sc::ParseCsv("h,k\n" + sc::CsvCell(s) + ",1\n", "rt.csv");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][0] == s);
  }
}

TEST_CASE("CSV: an unclosed quote or text after a closing quote names the file and line") {
  CHECK_THROWS_WITH(sc::ParseCsv("a,b\n1,\"open\n2,3\n", "u.csv"), Catch::Contains("u.csv: line 2") && Catch::Contains("not closed"));
  CHECK_THROWS_WITH(sc::ParseCsv("a,b\n1,\"x\"y\n", "t.csv"), Catch::Contains("t.csv: line 2") && Catch::Contains("after a closing quote"));
}
