#include "cli/history_csv.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>

#include "cli/common.h"
#include "color/csv.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {
namespace fs = std::filesystem;

enum Col : size_t {
  // The 16 columns of the first version of the format, in its order.
  kClientId, kName, kKind, kDate, kRecipe, kLoad, kDepth, kDiameter, kDotL, kDotA, kDotB, kSkinL, kSkinA, kSkinB,
  kPhoto, kNotes,
  // Added later (issue 19: every field of the history).
  kProfile, kParts, kPredictedL, kPredictedA, kPredictedB, kRecipeDe00, kUv, kIta, kOily, kScarring, kFollicleL,
  kFollicleA, kFollicleB,
  kColumns
};
constexpr size_t kFirstVersionColumns = kNotes + 1;

using Row = std::array<std::string, kColumns>;

// Shortest text that reads back as the same double.
std::string Num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void PutLab(Row* row, Col first, bool has, const pb::Lab& lab) {
  if (!has) return;
  (*row)[first] = Num(lab.l());
  (*row)[first + 1] = Num(lab.a());
  (*row)[first + 2] = Num(lab.b());
}

std::string Join(const Row& row) {
  std::string line;
  for (size_t c = 0; c < row.size(); ++c) line += (c ? "," : "") + color::CsvCell(row[c]);
  return line + "\n";
}

// One data row being read: cells by column (absent columns read as empty).
class RowReader {
 public:
  RowReader(const std::vector<std::string>& cells, const std::array<int, kColumns>& at, std::string where)
      : cells_(cells), at_(at), where_(std::move(where)) {}
  const std::string& where() const { return where_; }
  const std::string& operator[](Col c) const { return at_[c] < 0 ? empty_ : cells_[static_cast<size_t>(at_[c])]; }
  bool Has(Col c) const { return !(*this)[c].empty(); }
  double Number(Col c) const {
    double v = 0;
    if (!color::ParseDouble((*this)[c], &v))
      throw InputError(where_ + ", column " + HistoryCsvColumns()[c] + ": expected a number, got '" + (*this)[c] + "'");
    return v;
  }
  double NumberOr(Col c, double fallback) const { return Has(c) ? Number(c) : fallback; }
  bool Flag(Col c) const {
    const std::string& s = (*this)[c];
    if (s.empty() || s == "false" || s == "0") return false;
    if (s == "true" || s == "1") return true;
    throw InputError(where_ + ", column " + HistoryCsvColumns()[c] + ": expected true or false, got '" + s + "'");
  }
  // The three columns from `first` as L*a*b*: all empty gives false, all given fills `lab`.
  bool Lab(Col first, pb::Lab* lab) const {
    const Col a = Col(first + 1), b = Col(first + 2);
    if (!Has(first) && !Has(a) && !Has(b)) return false;
    lab->set_l(Number(first));
    lab->set_a(Number(a));
    lab->set_b(Number(b));
    return true;
  }

 private:
  const std::vector<std::string>& cells_;
  const std::array<int, kColumns>& at_;
  std::string where_;
  const std::string empty_;
};

void ReadClientRow(const RowReader& row, pb::ClientHistory* h) {
  if (row.Has(kUv) || row.Has(kIta) || row.Has(kOily) || row.Has(kScarring)) {
    auto* cov = h->mutable_covariates();
    cov->set_uv_exposure(row.NumberOr(kUv, 0));
    cov->set_ita_deg(row.NumberOr(kIta, 0));
    cov->set_oily_scalp(row.Flag(kOily));
    cov->set_scarring(row.Flag(kScarring));
  }
  pb::Lab lab;
  if (row.Lab(kSkinL, &lab)) *h->mutable_skin_lab() = lab;
  if (row.Lab(kFollicleL, &lab)) *h->mutable_follicle_lab() = lab;
}

// "PIGMENT:FRACTION+..." with the parts "P+..." (empty: none given).
void ReadRecipe(const RowReader& row, pb::Recipe* recipe) {
  const std::string& text = row[kRecipe];
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('+', start), text.size());
    const std::string item = text.substr(start, end - start);
    const size_t colon = item.find(':');
    double f = 1;
    if (colon == std::string::npos || !color::ParseDouble(item.substr(colon + 1), &f))
      throw InputError(row.where() + ": recipe '" + text + "' is not PIGMENT:FRACTION+...");
    auto* c = recipe->add_components();
    c->set_pigment(item.substr(0, colon));
    c->set_fraction(f);
    start = end + 1;
  }
  if (row.Has(kParts)) {
    const std::string& parts = row[kParts];
    int i = 0;
    for (size_t p = 0; p <= parts.size(); ++i) {
      const size_t end = std::min(parts.find('+', p), parts.size());
      double v = 0;
      if (i >= recipe->components_size() || !color::ParseDouble(parts.substr(p, end - p), &v) ||
          std::abs(v) > 1e6 || v != int(v))
        throw InputError(row.where() + ": parts '" + parts + "' is not one whole number per recipe component (P+P...)");
      recipe->mutable_components(i)->set_parts(int(v));
      p = end + 1;
    }
    if (i != recipe->components_size())
      throw InputError(row.where() + ": parts '" + parts + "' gives " + std::to_string(i) + " numbers for " +
                       std::to_string(recipe->components_size()) + " recipe components");
  }
  recipe->set_load(row.Number(kLoad));
  pb::Lab lab;
  if (row.Lab(kPredictedL, &lab)) *recipe->mutable_predicted_healed_lab() = lab;
  recipe->set_de00(row.NumberOr(kRecipeDe00, 0));
}

void ReadSessionRow(const RowReader& row, pb::ClientHistory* h) {
  auto* s = h->add_sessions();
  s->set_date(row[kDate]);
  ReadRecipe(row, s->mutable_recipe());
  s->set_depth_mm(row.NumberOr(kDepth, 0));
  s->set_dot_diameter_mm(row.NumberOr(kDiameter, 0));
  s->set_notes(row[kNotes]);
}

void ReadVisitRow(const RowReader& row, pb::ClientHistory* h) {
  auto* v = h->add_follow_ups();
  v->set_date(row[kDate]);
  for (const Col c : {kDotL, kDotA, kDotB, kSkinL, kSkinA, kSkinB}) row.Number(c);  // required
  row.Lab(kDotL, v->mutable_dot_lab());
  row.Lab(kSkinL, v->mutable_skin_lab());
  v->set_photo_sha256(row[kPhoto]);
  v->set_profile(row[kProfile]);
}

// Where each column is in the file (-1: absent). Throws unless the header names every column of
// the first version and nothing unknown.
std::array<int, kColumns> MapHeader(const color::CsvTable& t, const std::string& source) {
  const auto& names = HistoryCsvColumns();
  std::string first_version;
  for (size_t c = 0; c < kFirstVersionColumns; ++c) first_version += (c ? "," : "") + names[c];
  std::array<int, kColumns> at;
  at.fill(-1);
  int known = 0;
  for (const auto& cell : t.header) known += std::count(names.begin(), names.end(), cell) > 0;
  if (known == 0) {
    std::string got;
    for (size_t c = 0; c < std::min<size_t>(t.header.size(), 5); ++c) got += (c ? "," : "") + t.header[c];
    throw InputError(source + ": the first row is not the header of a shadecast history CSV: expected a row naming the "
                     "columns (" + first_version + ",...), got '" + got + (t.header.size() > 5 ? ",..." : "") + "'");
  }
  for (size_t i = 0; i < t.header.size(); ++i) {
    const auto it = std::find(names.begin(), names.end(), t.header[i]);
    if (it == names.end())
      throw InputError(source + ": unknown column '" + t.header[i] + "' in the header (docs/conventions.md, History CSV)");
    const size_t c = static_cast<size_t>(it - names.begin());
    if (at[c] >= 0) throw InputError(source + ": column '" + t.header[i] + "' appears twice in the header");
    at[c] = static_cast<int>(i);
  }
  for (size_t c = 0; c < kFirstVersionColumns; ++c)
    if (at[c] < 0)
      throw InputError(source + ": the header has no column '" + names[c] + "' (a history CSV has at least " +
                       first_version + ")");
  return at;
}

}  // namespace

const std::vector<std::string>& HistoryCsvColumns() {
  static const std::vector<std::string> kNames = {
      "client_id", "name", "kind", "date", "recipe", "load", "depth_mm", "dot_diameter_mm", "dot_L", "dot_a", "dot_b",
      "skin_L", "skin_a", "skin_b", "photo_sha256", "notes", "profile", "parts", "predicted_healed_L",
      "predicted_healed_a", "predicted_healed_b", "recipe_de00", "uv_exposure", "ita_deg", "oily_scalp", "scarring",
      "follicle_L", "follicle_a", "follicle_b"};
  assert(kNames.size() == kColumns);
  return kNames;
}

std::string HistoryToCsv(const pb::ClientHistory& h) {
  std::string out = "# shadecast client history (docs/conventions.md, History CSV)\n";
  Row header;
  std::copy(HistoryCsvColumns().begin(), HistoryCsvColumns().end(), header.begin());
  out += Join(header);
  Row base;
  base[kClientId] = h.client_id();
  base[kName] = h.name();
  Row client = base;
  client[kKind] = "client";
  if (h.has_covariates()) {
    const auto& c = h.covariates();
    client[kUv] = Num(c.uv_exposure());
    client[kIta] = Num(c.ita_deg());
    client[kOily] = c.oily_scalp() ? "true" : "false";
    client[kScarring] = c.scarring() ? "true" : "false";
  }
  PutLab(&client, kSkinL, h.has_skin_lab(), h.skin_lab());
  PutLab(&client, kFollicleL, h.has_follicle_lab(), h.follicle_lab());
  out += Join(client);
  for (const auto& s : h.sessions()) {
    Row r = base;
    r[kKind] = "session";
    r[kDate] = s.date();
    bool any_parts = false;
    for (const auto& c : s.recipe().components()) {
      r[kRecipe] += (r[kRecipe].empty() ? "" : "+") + c.pigment() + ":" + Num(c.fraction());
      r[kParts] += (r[kParts].empty() ? "" : "+") + std::to_string(c.parts());
      any_parts = any_parts || c.parts() != 0;
    }
    if (!any_parts) r[kParts].clear();
    r[kLoad] = Num(s.recipe().load());
    if (s.depth_mm() != 0) r[kDepth] = Num(s.depth_mm());
    if (s.dot_diameter_mm() != 0) r[kDiameter] = Num(s.dot_diameter_mm());
    PutLab(&r, kPredictedL, s.recipe().has_predicted_healed_lab(), s.recipe().predicted_healed_lab());
    if (s.recipe().de00() != 0) r[kRecipeDe00] = Num(s.recipe().de00());
    r[kNotes] = s.notes();
    out += Join(r);
  }
  for (const auto& v : h.follow_ups()) {
    Row r = base;
    r[kKind] = "visit";
    r[kDate] = v.date();
    PutLab(&r, kDotL, v.has_dot_lab(), v.dot_lab());
    PutLab(&r, kSkinL, v.has_skin_lab(), v.skin_lab());
    r[kPhoto] = v.photo_sha256();
    r[kProfile] = v.profile();
    out += Join(r);
  }
  return out;
}

pb::ClientHistory HistoryFromCsv(const std::string& text, const std::string& source) {
  color::CsvTable t;
  try {
    t = color::ParseCsv(text, source);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
  const std::array<int, kColumns> at = MapHeader(t, source);
  pb::ClientHistory h;
  bool client_row = false;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const RowReader row(t.rows[r], at, source + " row " + std::to_string(r + 1));
    if (r == 0) {
      h.set_client_id(row[kClientId]);
      h.set_name(row[kName]);
    } else if (row[kClientId] != h.client_id()) {
      throw InputError(row.where() + ": one client per file (found '" + row[kClientId] + "' after '" + h.client_id() + "')");
    }
    const std::string& kind = row[kKind];
    if (kind == "client") {
      if (client_row) throw InputError(row.where() + ": a second 'client' row (one per file)");
      client_row = true;
      ReadClientRow(row, &h);
    } else if (kind == "session") {
      ReadSessionRow(row, &h);
    } else if (kind == "visit") {
      ReadVisitRow(row, &h);
    } else {
      throw InputError(row.where() + ": kind must be 'client', 'session' or 'visit', got '" + kind + "'");
    }
  }
  return h;
}

pb::ClientHistory ReadHistoryFile(const fs::path& path) {
  pb::ClientHistory h;
  try {
    if (path.extension() == ".csv") return HistoryFromCsv(store::ReadFile(path), path.string());
    store::ReadMessage(path, &h);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
  return h;
}

std::vector<fs::path> CollectHistoryFiles(const std::vector<std::string>& inputs, const std::string& flag) {
  static const std::vector<std::string> kExtensions = {".textproto", ".txtpb", ".pbtxt", ".pb", ".binpb", ".json", ".csv"};
  std::vector<fs::path> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      for (const auto& e : fs::directory_iterator(in, ec))
        if (e.is_regular_file() && std::count(kExtensions.begin(), kExtensions.end(), e.path().extension().string()))
          files.push_back(e.path());
      if (ec) throw InputError(flag + ": cannot list '" + in + "': " + ec.message());
    } else if (fs::exists(in, ec)) {
      files.emplace_back(in);
    } else {
      throw InputError(flag + ": '" + in + "' is neither a file nor a folder");
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace shadecast::cli
