#include "cli/common.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <filesystem>

#include "color/colorimetry.h"
#include "color/csv.h"
#include "store/data_paths.h"
#include "store/files.h"

namespace shadecast::cli {
namespace {
Globals g_globals;
}

const Globals& GetGlobals() { return g_globals; }
void SetGlobals(const Globals& g) { g_globals = g; }

std::vector<double> ParseNumberList(const std::string& text, const std::string& flag, size_t n) {
  std::vector<double> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string cell = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    double v = 0;
    if (!color::ParseDouble(cell, &v))
      throw InputError(flag + ": '" + text + "' is not a comma-separated list of numbers ('" + cell +
                       "' is not a number)");
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (n != 0 && out.size() != n)
    throw InputError(flag + ": expected " + std::to_string(n) + " comma-separated numbers, got " +
                     std::to_string(out.size()) + " in '" + text + "'");
  return out;
}

color::Lab ParseTriple(const std::string& text, const std::string& flag) {
  auto v = ParseNumberList(text, flag, 3);
  return {v[0], v[1], v[2]};
}

color::SampledSpectrum LoadIlluminant(const std::string& name_or_path) {
  if (!store::LooksLikePath(name_or_path)) {
    try {
      return color::CieIlluminant(name_or_path);
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--illuminant: ") + e.what());
    }
  }
  const std::string text = store::ReadFile(name_or_path);
  color::CsvTable t = color::ParseCsv(text, name_or_path);
  if (t.cols() < 2) throw InputError(name_or_path + ": expected columns wavelength_nm, relative power");
  color::SampledSpectrum s{name_or_path, t.NumericColumn(0), t.NumericColumn(1)};
  try {
    s.Validate();
  } catch (const std::exception& e) {
    throw InputError(name_or_path + ": " + e.what());
  }
  for (double v : s.values)
    if (v < 0) throw InputError(name_or_path + ": relative power must not be negative");
  return s;
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

nlohmann::json MessageToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!status.ok()) throw std::runtime_error("cannot print message as JSON: " + status.ToString());
  return nlohmann::json::parse(out);
}

void RefuseOverwritingInput(const std::string& out, const std::string& flag, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  if (out.empty()) return;
  std::error_code ec;
  const fs::path o = fs::weakly_canonical(out, ec);
  for (const auto& in : inputs) {
    if (in.empty()) continue;
    std::error_code e1, e2;
    const bool same = (!ec && fs::weakly_canonical(in, e1) == o && !e1) || fs::equivalent(out, in, e2);
    if (same)
      throw InputError(flag + " " + out + ": that is an input of this command (" + in +
                       "); choose another file name so the input is not overwritten");
  }
}

void CheckRange(double value, double lo, double hi, const std::string& flag, const std::string& what) {
  if (!(value >= lo && value <= hi)) {
    std::ostringstream m;
    m << flag << ": expected " << what << " from " << lo << " to " << hi << ", got " << value;
    throw InputError(m.str());
  }
}

std::string Today(const std::string& as_of) {
  static const std::regex kDate(R"(^\d{4}-\d{2}-\d{2}$)");
  std::string d = as_of;
  std::string from = "--as-of";
  if (d.empty()) {
    if (const char* env = std::getenv("SHADECAST_TODAY"); env && *env) {
      d = env;
      from = "SHADECAST_TODAY";
    }
  }
  if (d.empty()) {
    const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::chrono::year_month_day ymd{now};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
  }
  if (!std::regex_match(d, kDate)) throw InputError(from + ": '" + d + "' is not a date YYYY-MM-DD");
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(d.substr(0, 4))),
                                        std::chrono::month(unsigned(std::stoi(d.substr(5, 2)))),
                                        std::chrono::day(unsigned(std::stoi(d.substr(8, 2))))};
  if (!ymd.ok()) throw InputError(from + ": '" + d + "' is not a valid calendar date");
  // The records span living clients: a date outside 1900-2199 is a typo (9999-12-31 printed a
  // touch-up in year 10000).
  if (int(ymd.year()) < 1900 || int(ymd.year()) > 2199)
    throw InputError(from + ": '" + d + "' is outside the years 1900-2199");
  return d;
}

}  // namespace shadecast::cli
