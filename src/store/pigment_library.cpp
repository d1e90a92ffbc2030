#include "store/pigment_library.h"
#include "validate/validate.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cmath>
#include <set>
#include <stdexcept>

#include "store/data_paths.h"
#include "store/files.h"

namespace shadecast::store {
namespace {

// Collects the first text-format error with its (1-based) line and column.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!message_.empty()) return;
    message_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) +
               ": " + message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

template <typename Message>
Message ParseText(std::string_view text, const std::string& source, const char* what) {
  Message m;
  FirstError errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &m)) {
    throw std::runtime_error(
        source + ": not a valid " + what + " in protobuf text format: " +
        (errors.message().empty() ? std::string("parse error") : errors.message()));
  }
  return m;
}

std::string Where(const std::string& source, const pb::Pigment& p, int index) {
  return source + ": pigment " +
         (p.id().empty() ? "#" + std::to_string(index + 1) : "'" + p.id() + "'") + ": ";
}

void CheckPigment(const pb::Pigment& p, const std::string& source, int index) {
  const std::string where = Where(source, p, index);
  if (p.id().empty()) throw std::runtime_error(where + "empty id (expected a snake_case id)");
  const int n = p.wavelengths_nm_size();
  if (n == 0) throw std::runtime_error(where + "no wavelengths_nm");
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(p.wavelengths_nm(i)) ||
        (i > 0 && p.wavelengths_nm(i) <= p.wavelengths_nm(i - 1)))
      throw std::runtime_error(where +
                               "wavelengths_nm must be finite and strictly increasing (entry " +
                               std::to_string(i + 1) + ")");
  }
  if (p.k_size() != n || p.s_size() != n) {
    throw std::runtime_error(where + "has " + std::to_string(n) + " wavelengths_nm but " +
                             std::to_string(p.k_size()) + " k and " + std::to_string(p.s_size()) +
                             " s values (expected one of each per wavelength)");
  }
  for (int i = 0; i < n; ++i) {
    for (auto [name, v] : {std::pair{"k", p.k(i)}, std::pair{"s", p.s(i)}}) {
      if (!std::isfinite(v) || v < 0) {
        throw std::runtime_error(where + name + " at " + std::to_string(p.wavelengths_nm(i)) +
                                 " nm is " + std::to_string(v) + " (expected a finite value >= 0)");
      }
    }
  }
  if (p.cluster_absorptance_size() != 0 && p.cluster_absorptance_size() != n)
    throw std::runtime_error(where + "has " + std::to_string(n) + " wavelengths_nm but " +
                             std::to_string(p.cluster_absorptance_size()) +
                             " cluster_absorptance values (expected none or one per wavelength)");
  for (int i = 0; i < p.cluster_absorptance_size(); ++i) {
    const double v = p.cluster_absorptance(i);
    if (!(std::isfinite(v) && v >= 0 && v <= 1))
      throw std::runtime_error(where + "cluster_absorptance at " + std::to_string(p.wavelengths_nm(i)) + " nm is " +
                               std::to_string(v) + " (expected a fraction in [0, 1])");
  }
  if (p.has_sieve_k() && !(std::isfinite(p.sieve_k()) && p.sieve_k() > 0 && p.sieve_k() < 1000))
    throw std::runtime_error(where + "sieve_k is " + std::to_string(p.sieve_k()) + " (expected a number in (0, 1000))");
}

}  // namespace

std::filesystem::path DefaultPigmentLibraryPath() { return DataFile(kDefaultPigmentLibrary); }

void ValidatePigment(const pb::Pigment& p, const std::string& source) {
  CheckPigment(p, source, 0);
}

void ValidatePigmentLibrary(const pb::PigmentLibrary& lib, const std::string& source) {
  if (lib.pigments_size() == 0) throw std::runtime_error(source + ": the library has no pigments");
  std::set<std::string> seen;
  for (int i = 0; i < lib.pigments_size(); ++i) {
    const pb::Pigment& p = lib.pigments(i);
    CheckPigment(p, source, i);
    if (!seen.insert(p.id()).second) throw std::runtime_error(Where(source, p, i) + "duplicate id");
  }
  // The per-pigment checks above give the most specific messages; the rule table catches the rest.
  try {
    validate::Validate(lib, source);  // field ranges: docs/conventions.md "Valid values"
  } catch (const validate::ValidationError& e) {
    throw std::runtime_error(e.what());
  }
}

pb::PigmentLibrary ParsePigmentLibraryText(std::string_view text, const std::string& source) {
  auto lib = ParseText<pb::PigmentLibrary>(text, source, "shadecast.pb.PigmentLibrary");
  ValidatePigmentLibrary(lib, source);
  return lib;
}

pb::Pigment ParsePigmentText(std::string_view text, const std::string& source) {
  auto p = ParseText<pb::Pigment>(text, source, "shadecast.pb.Pigment");
  ValidatePigment(p, source);
  return p;
}

pb::PigmentLibrary LoadPigmentLibrary(const std::filesystem::path& path) {
  const std::string bytes = ReadFile(path);
  const std::string source = path.string();
  if (path.extension() == ".pb") {
    pb::PigmentLibrary lib;
    if (!lib.ParseFromString(bytes))
      throw std::runtime_error(
          source + ": not a binary shadecast.pb.PigmentLibrary (use .textproto for text)");
    ValidatePigmentLibrary(lib, source);
    return lib;
  }
  return ParsePigmentLibraryText(bytes, source);
}

pb::PigmentLibrary LoadDefaultPigmentLibrary() {
  return LoadPigmentLibrary(DefaultPigmentLibraryPath());
}

const pb::Pigment& FindPigment(const pb::PigmentLibrary& lib, std::string_view id,
                               const std::string& source) {
  std::string ids;
  for (const pb::Pigment& p : lib.pigments()) {
    if (p.id() == id) return p;
    ids += (ids.empty() ? "" : ", ") + p.id();
  }
  throw std::runtime_error(source + ": no pigment '" + std::string(id) +
                           "' (the library has: " + ids + ")");
}

std::string PigmentToText(const pb::Pigment& p) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseShortRepeatedPrimitives(true);
  std::string body;
  if (!printer.PrintToString(p, &body))
    throw std::runtime_error("cannot print pigment '" + p.id() + "'");
  return "# proto-file: shadecast/pigment.proto\n# proto-message: shadecast.pb.Pigment\n" + body;
}

}  // namespace shadecast::store
