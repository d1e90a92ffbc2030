#include "validate/validate.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "fade/date.h"
#include "validate/rules.h"

namespace shadecast::validate {
namespace gp = google::protobuf;
namespace {

// Records are of living clients and working cameras: dates outside these years are typing errors.
constexpr int kFirstYear = 1900, kLastYear = 2200;

bool DateOk(const std::string& s) {
  int days = 0;
  if (s.size() != 10 || !fade::TryParseDate(s, &days)) return false;
  const int year = std::stoi(s.substr(0, 4));
  return year >= kFirstYear && year <= kLastYear;
}

// Free text is stored verbatim (a name with an escape character is the name typed; the terminal
// front ends escape it when showing it); only NUL, which SQLite text and C strings cut at, is refused.
bool TextOk(const std::string& s) { return s.find('\0') == std::string::npos; }

bool IdOk(const std::string& s, bool pigment) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    const bool ok = pigment ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
                            : (std::isalnum(c) || c == '_' || c == '-' || c == '.');
    if (!ok) return false;
  }
  return true;
}

bool Sha256Ok(const std::string& s) {
  if (s.size() > 64) return false;  // a full hash or the start of one (as records have written)
  for (unsigned char c : s)
    if (!std::isxdigit(c)) return false;
  return true;
}

bool ChoiceOk(const Rule& r, const std::string& s) {
  if (s.empty()) return r.empty_ok;
  std::string_view rest = r.choices;
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    if (rest.substr(0, bar) == s) return true;
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return false;
}

bool NumberOk(const Rule& r, double x) {
  if (!std::isfinite(x)) return false;
  if (r.has_sentinel && x == r.sentinel) return true;
  if (r.lo_open ? !(x > r.lo) : !(x >= r.lo)) return false;
  if (r.hi_open ? !(x < r.hi) : !(x <= r.hi)) return false;
  return true;
}

std::string Shown(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

class Walker {
 public:
  std::vector<Problem> out;

  void Walk(const gp::Message& m, const std::string& path) {
    const gp::Descriptor* d = m.GetDescriptor();
    const gp::Reflection* refl = m.GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const gp::FieldDescriptor* f = d->field(i);
      const std::string at = path.empty() ? f->name() : path + "." + f->name();
      const Rule* r = FindRule(f->full_name());
      if (f->is_repeated()) {
        const int n = refl->FieldSize(m, f);
        if (n == 0) continue;
        if (!r) { Add(at, "this field has no validation rule"); continue; }
        if (r->max_len > 0 && n > r->max_len && (f->cpp_type() != gp::FieldDescriptor::CPPTYPE_STRING))
          Add(at, std::to_string(n) + " entries; at most " + std::to_string(r->max_len) + " allowed");
        for (int j = 0; j < n && j < 100000; ++j) Element(m, f, *r, j, at + "[" + std::to_string(j) + "]");
        continue;
      }
      if (f->has_presence() && !refl->HasField(m, f)) continue;  // absent: the default applies
      if (!f->has_presence() && f->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE && IsDefault(m, f)) continue;
      if (!r) { Add(at, "this field has no validation rule"); continue; }
      Element(m, f, *r, -1, at);
    }
  }

 private:
  void Add(const std::string& field, const std::string& what) { out.push_back({field, what}); }

  static bool IsDefault(const gp::Message& m, const gp::FieldDescriptor* f) {
    const gp::Reflection* refl = m.GetReflection();
    switch (f->cpp_type()) {
      case gp::FieldDescriptor::CPPTYPE_DOUBLE: { const double x = refl->GetDouble(m, f); return x == 0 && !std::signbit(x); }
      case gp::FieldDescriptor::CPPTYPE_FLOAT: { const float x = refl->GetFloat(m, f); return x == 0 && !std::signbit(x); }
      case gp::FieldDescriptor::CPPTYPE_INT32: return refl->GetInt32(m, f) == 0;
      case gp::FieldDescriptor::CPPTYPE_INT64: return refl->GetInt64(m, f) == 0;
      case gp::FieldDescriptor::CPPTYPE_UINT32: return refl->GetUInt32(m, f) == 0;
      case gp::FieldDescriptor::CPPTYPE_UINT64: return refl->GetUInt64(m, f) == 0;
      case gp::FieldDescriptor::CPPTYPE_BOOL: return !refl->GetBool(m, f);
      case gp::FieldDescriptor::CPPTYPE_ENUM: return refl->GetEnumValue(m, f) == 0;
      case gp::FieldDescriptor::CPPTYPE_STRING: return false;  // "" may be invalid (an id, a date)
      default: return false;
    }
  }

  static double NumberAt(const gp::Message& m, const gp::FieldDescriptor* f, int j) {
    const gp::Reflection* refl = m.GetReflection();
    const bool rep = j >= 0;
    switch (f->cpp_type()) {
      case gp::FieldDescriptor::CPPTYPE_DOUBLE: return rep ? refl->GetRepeatedDouble(m, f, j) : refl->GetDouble(m, f);
      case gp::FieldDescriptor::CPPTYPE_FLOAT: return rep ? refl->GetRepeatedFloat(m, f, j) : refl->GetFloat(m, f);
      case gp::FieldDescriptor::CPPTYPE_INT32: return rep ? refl->GetRepeatedInt32(m, f, j) : refl->GetInt32(m, f);
      case gp::FieldDescriptor::CPPTYPE_INT64: return double(rep ? refl->GetRepeatedInt64(m, f, j) : refl->GetInt64(m, f));
      case gp::FieldDescriptor::CPPTYPE_UINT32: return rep ? refl->GetRepeatedUInt32(m, f, j) : refl->GetUInt32(m, f);
      case gp::FieldDescriptor::CPPTYPE_UINT64: return double(rep ? refl->GetRepeatedUInt64(m, f, j) : refl->GetUInt64(m, f));
      default: return NAN;
    }
  }

  void Element(const gp::Message& m, const gp::FieldDescriptor* f, const Rule& r, int j, const std::string& at) {
    const gp::Reflection* refl = m.GetReflection();
    const bool rep = j >= 0;
    const std::string allowed = " (allowed: " + AllowedText(r) + "; " + std::string(r.meaning) + ")";
    switch (r.kind) {
      case Kind::kMessage:
        if (f->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE) { Add(at, "rule table says message, field is not"); return; }
        Walk(rep ? refl->GetRepeatedMessage(m, f, j) : refl->GetMessage(m, f), at);
        return;
      case Kind::kNumber: {
        const double x = NumberAt(m, f, j);
        if (!NumberOk(r, x)) Add(at, Shown(x) + " is out of range" + allowed);
        return;
      }
      case Kind::kBool: return;
      case Kind::kEnum: {
        const int v = rep ? refl->GetRepeatedEnumValue(m, f, j) : refl->GetEnumValue(m, f);
        if (!f->enum_type()->FindValueByNumber(v)) Add(at, std::to_string(v) + " is not a known value" + allowed);
        return;
      }
      default: break;
    }
    const std::string s = rep ? refl->GetRepeatedString(m, f, j) : refl->GetString(m, f);
    bool ok = true;
    switch (r.kind) {
      case Kind::kText: ok = s.size() <= size_t(r.max_len) && TextOk(s); break;
      case Kind::kClientId: ok = IdOk(s, false); break;
      case Kind::kPigmentId: ok = IdOk(s, true); break;
      case Kind::kDate: ok = (s.empty() && r.empty_ok) || DateOk(s); break;
      case Kind::kSha256: ok = Sha256Ok(s); break;
      case Kind::kChoice: ok = ChoiceOk(r, s); break;
      default: break;
    }
    if (ok) return;
    std::string shown;
    for (unsigned char c : s.substr(0, 80)) {
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        shown += buf;
      } else {
        shown += char(c);
      }
    }
    Add(at, "'" + shown + (s.size() > 80 ? "...'" : "'") + " (" + std::to_string(s.size()) + " bytes) is not valid" + allowed);
  }
};


// A record's date is given and not before the one listed before it.
void InOrder(const std::string& date, const std::string& at, const char* what, std::string* prev, std::vector<Problem>* out) {
  if (date.empty()) out->push_back({at + ".date", "is empty (allowed: YYYY-MM-DD)"});
  if (!prev->empty() && date < *prev) out->push_back({at + ".date", date + " is before the previous " + what + " " + *prev});
  *prev = date;
}

}  // namespace

std::vector<Problem> FieldProblems(const gp::Message& m) {
  Walker w;
  w.Walk(m, "");
  return w.out;
}

std::vector<Problem> Problems(const pb::Recipe& r) {
  std::vector<Problem> out = FieldProblems(r);
  std::set<std::string> seen;
  for (int j = 0; j < r.components_size(); ++j)
    if (!seen.insert(r.components(j).pigment()).second)
      out.push_back({"components[" + std::to_string(j) + "].pigment", "'" + r.components(j).pigment() + "' is listed twice"});
  return out;
}

std::vector<Problem> Problems(const pb::ClientHistory& h) {
  std::vector<Problem> out = FieldProblems(h);
  if (h.client_id().empty()) out.push_back({"client_id", "is empty (allowed: " + AllowedText(*FindRule("shadecast.pb.ClientHistory.client_id")) + ")"});
  std::string prev;
  for (int i = 0; i < h.sessions_size(); ++i) {
    const auto& s = h.sessions(i);
    const std::string at = "sessions[" + std::to_string(i) + "]";
    InOrder(s.date(), at, "session", &prev, &out);
    if (s.recipe().components_size() == 0) out.push_back({at + ".recipe", "the session has no recipe (allowed: 1-16 components)"});
    else if (!(s.recipe().load() > 0)) out.push_back({at + ".recipe.load", "is 0 or missing (allowed: (0, 1]; 1 = undiluted ink)"});
  }
  prev.clear();
  for (int i = 0; i < h.follow_ups_size(); ++i) {
    const auto& v = h.follow_ups(i);
    const std::string at = "follow_ups[" + std::to_string(i) + "]";
    InOrder(v.date(), at, "follow-up", &prev, &out);
    if (h.sessions_size() > 0 && v.date() < h.sessions(0).date())
      out.push_back({at + ".date", v.date() + " is before the first session " + h.sessions(0).date()});
    if (!v.has_dot_lab()) out.push_back({at + ".dot_lab", "is missing"});
    if (!v.has_skin_lab()) out.push_back({at + ".skin_lab", "is missing"});
  }
  return out;
}

std::vector<Problem> Problems(const pb::CameraProfile& p) {
  std::vector<Problem> out = FieldProblems(p);
  if (p.coefficients_size() != 0 && p.coefficients_size() != 3 * p.n_terms())
    out.push_back({"coefficients", std::to_string(p.coefficients_size()) + " values; 3 x n_terms = " + std::to_string(3 * p.n_terms()) + " expected"});
  return out;
}

std::vector<Problem> Problems(const pb::PigmentLibrary& l) {
  std::vector<Problem> out = FieldProblems(l);
  std::set<std::string> ids;
  for (int i = 0; i < l.pigments_size(); ++i) {
    const auto& p = l.pigments(i);
    const std::string at = "pigments[" + std::to_string(i) + "]";
    if (!ids.insert(p.id()).second) out.push_back({at + ".id", "'" + p.id() + "' is used twice"});
    const int n = p.wavelengths_nm_size();
    if (n < 2) out.push_back({at + ".wavelengths_nm", std::to_string(n) + " wavelengths; at least 2 expected"});
    for (int j = 1; j < n; ++j)
      if (!(p.wavelengths_nm(j) > p.wavelengths_nm(j - 1))) {
        out.push_back({at + ".wavelengths_nm", "not strictly increasing at [" + std::to_string(j) + "]"});
        break;
      }
    if (p.k_size() != n) out.push_back({at + ".k", std::to_string(p.k_size()) + " values for " + std::to_string(n) + " wavelengths"});
    if (p.s_size() != n) out.push_back({at + ".s", std::to_string(p.s_size()) + " values for " + std::to_string(n) + " wavelengths"});
    if (p.cluster_absorptance_size() != 0 && p.cluster_absorptance_size() != n)
      out.push_back({at + ".cluster_absorptance", std::to_string(p.cluster_absorptance_size()) + " values for " + std::to_string(n) + " wavelengths"});
  }
  return out;
}

std::vector<Problem> Problems(const pb::OpticsParams& o) { return FieldProblems(o); }

void Check(const std::vector<Problem>& problems, const std::string& source) {
  if (problems.empty()) return;
  std::string msg = (source.empty() ? "" : source + ": ") + problems.front().field + ": " + problems.front().what;
  if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more problem" + (problems.size() > 2 ? "s" : "") + ")";
  throw ValidationError(msg, problems);
}

std::string RulesMarkdown() {
  std::string md = "| Field | Allowed | Meaning |\n|---|---|---|\n";
  for (const Rule& r : Rules()) {
    std::string_view f = r.field;
    if (f.rfind("shadecast.pb.", 0) == 0) f.remove_prefix(13);
    md += "| `" + std::string(f) + "` | " + AllowedText(r) + " | " + std::string(r.meaning) + " |\n";
  }
  return md;
}

}  // namespace shadecast::validate
