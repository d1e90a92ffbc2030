#pragma once
// Parsing of the project's CSV text (no file access: callers hand in the text and a name for errors).
// Format: '#' comment lines, one header row, then comma-separated rows; columns are used by position.
// A cell may be quoted (RFC 4180): "a, b" keeps its comma, "" inside is one quote, and a quoted cell
// may span lines. Unquoted cells are trimmed of spaces and tabs.
#include <string>
#include <string_view>
#include <vector>

namespace shadecast::color {

struct CsvTable {
  std::string source;                      // name used in error messages (file path, "<embedded>")
  std::vector<std::string> comments;       // comment lines without the leading '#'
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  size_t cols() const { return header.size(); }
  // The cell as a number; throws std::runtime_error naming source, row and column when it is not one.
  double Number(size_t row, size_t col) const;
  // A whole column as numbers.
  std::vector<double> NumericColumn(size_t col) const;
};

// Throws std::runtime_error naming `source` when the text has no header or rows of uneven length.
CsvTable ParseCsv(std::string_view text, std::string_view source);

// A cell as CSV text: quoted when it holds a comma, a quote, a line break, leading or trailing
// white space, or starts with '#' (which would read as a comment); else as is.
std::string CsvCell(std::string_view s);

// Strict number parsing shared by CSV and command-line parsing: the whole string must be a finite
// number. Returns false otherwise.
bool ParseDouble(std::string_view s, double* out);

}  // namespace shadecast::color
