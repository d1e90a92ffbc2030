#include "color/csv.h"

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

std::vector<std::string> SplitCells(std::string_view line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    std::string_view cell = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    std::string_view t = Trim(cell);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    cells.emplace_back(t);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
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

CsvTable ParseCsv(std::string_view text, std::string_view source) {
  CsvTable table;
  table.source = std::string(source);
  size_t pos = 0;
  int line_no = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = (nl == text.npos) ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (t.front() == '#') {
      table.comments.emplace_back(Trim(t.substr(1)));
      continue;
    }
    auto cells = SplitCells(t);
    if (table.header.empty()) {
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      throw std::runtime_error(table.source + ": line " + std::to_string(line_no) + " has " +
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
