#include "color/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace shadecast::color {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool Blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::runtime_error LineError(const std::string& source, int line, const std::string& what) {
  return std::runtime_error(source + ": line " + std::to_string(line) + ": " + what);
}

// One quoted cell from text[*i] (just past the opening quote) to just past its closing quote; a
// doubled quote is one quote, and line breaks inside are kept (counted in *line_no).
std::string ReadQuoted(std::string_view text, size_t* i, int* line_no, const std::string& source) {
  const int opened = *line_no;
  std::string cell;
  while (true) {
    if (*i >= text.size()) throw LineError(source, opened, "a quoted cell is not closed (a '\"' is missing)");
    const char c = text[*i];
    if (c == '"' && *i + 1 < text.size() && text[*i + 1] == '"') {
      cell += '"';
      *i += 2;
      continue;
    }
    ++*i;
    if (c == '"') return cell;
    if (c == '\n') ++*line_no;
    cell += c;
  }
}

// One record from text[*pos] (not a comment or blank line), which may span lines through quoted
// cells; advances *pos past its line break and *line_no by the lines read.
std::vector<std::string> ReadRecord(std::string_view text, size_t* pos, int* line_no, const std::string& source) {
  std::vector<std::string> cells;
  size_t i = *pos;
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '"') {
      ++i;
      cells.push_back(ReadQuoted(text, &i, line_no, source));
      while (i < text.size() && Blank(text[i])) ++i;
      if (i < text.size() && text[i] != ',' && text[i] != '\n')
        throw LineError(source, *line_no, "text after a closing quote (a quote inside a cell is written \"\")");
    } else {
      const size_t end = std::min(text.find_first_of(",\n", i), text.size());
      cells.emplace_back(Trim(text.substr(i, end - i)));
      i = end;
    }
    if (i >= text.size()) break;
    if (text[i++] == '\n') {
      ++*line_no;
      break;
    }
  }
  *pos = i;
  return cells;
}

}  // namespace

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

double CsvTable::Number(size_t row, size_t col) const {
  double v = 0;
  if (row >= rows.size() || col >= rows[row].size() || !ParseDouble(rows[row][col], &v)) {
    std::string cell = (row < rows.size() && col < rows[row].size()) ? rows[row][col] : "";
    throw std::runtime_error(source + ": data row " + std::to_string(row + 1) + ", column " +
                             std::to_string(col + 1) + ": expected a number, got '" + cell + "'");
  }
  return v;
}

std::vector<double> CsvTable::NumericColumn(size_t col) const {
  std::vector<double> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) out[r] = Number(r, col);
  return out;
}

std::string CsvCell(std::string_view s) {
  const bool quote = !s.empty() && (s.find_first_of(",\"\n\r") != s.npos || s.front() == '#' || Blank(s.front()) ||
                                    Blank(s.back()));
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

CsvTable ParseCsv(std::string_view text, std::string_view source) {
  CsvTable table;
  table.source = std::string(source);
  size_t pos = 0;
  int line_no = 1;
  while (pos < text.size()) {
    const size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view t = Trim(text.substr(pos, nl - pos));
    if (t.empty() || t.front() == '#') {
      if (!t.empty()) table.comments.emplace_back(Trim(t.substr(1)));
      pos = nl + 1;
      ++line_no;
      continue;
    }
    const int record_line = line_no;
    auto cells = ReadRecord(text, &pos, &line_no, table.source);
    if (table.header.empty()) {
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      throw std::runtime_error(table.source + ": line " + std::to_string(record_line) + " has " +
                               std::to_string(cells.size()) + " columns, the header has " +
                               std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(cells));
  }
  if (table.header.empty()) throw std::runtime_error(table.source + ": no header row (expected CSV text)");
  if (table.rows.empty()) throw std::runtime_error(table.source + ": header but no data rows");
  return table;
}

}  // namespace shadecast::color
