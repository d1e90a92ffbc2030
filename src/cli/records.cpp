#include "cli/records.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "cli/common.h"
#include "color/csv.h"
#include "fade/client.h"

namespace shadecast::cli {
namespace {

std::chrono::sys_days ToDays(const std::string& iso) {
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(iso.substr(0, 4))),
                                        std::chrono::month(unsigned(std::stoi(iso.substr(5, 2)))),
                                        std::chrono::day(unsigned(std::stoi(iso.substr(8, 2))))};
  return std::chrono::sys_days(ymd);
}

bool FiniteLab(const pb::Lab& l) { return std::isfinite(l.l()) && std::isfinite(l.a()) && std::isfinite(l.b()); }

std::string Num(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

std::unique_ptr<store::Database> OpenDatabase(const std::string& flag) {
  std::string path = flag;
  if (path.empty()) {
    const char* env = std::getenv("SHADECAST_DB");
    path = (env && *env) ? env : "shadecast.db";
  }
  try {
    return store::Database::Open(path);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
}

std::string CheckDate(const std::string& date, const std::string& what, const std::string& today) {
  std::string d;
  try {
    d = Today(date);
  } catch (const InputError&) {
    throw InputError(what + ": '" + date + "' is not a date YYYY-MM-DD");
  }
  if (date.empty()) throw InputError(what + ": a date YYYY-MM-DD is required");
  if (d > today) throw InputError(what + ": " + d + " is in the future (today is " + today + ")");
  return d;
}

int DaysBetween(const std::string& a, const std::string& b) { return static_cast<int>((ToDays(b) - ToDays(a)).count()); }

std::string AddDays(const std::string& date, int days) {
  const std::chrono::year_month_day ymd{ToDays(date) + std::chrono::days(days)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
  return buf;
}

void ValidateHistory(const pb::ClientHistory& h, const std::string& source) {
  const std::string who = source + ": client '" + h.client_id() + "': ";
  if (h.client_id().empty()) throw InputError(source + ": client_id is empty");
  auto valid_date = [&](const std::string& d, const std::string& field) {
    try {
      if (d.empty() || Today(d) != d) throw InputError("");
    } catch (const InputError&) {
      throw InputError(who + field + ": '" + d + "' is not a date YYYY-MM-DD");
    }
  };
  std::string prev;
  for (int i = 0; i < h.sessions_size(); ++i) {
    const auto& s = h.sessions(i);
    const std::string field = "sessions[" + std::to_string(i) + "]";
    valid_date(s.date(), field + ".date");
    if (!prev.empty() && s.date() < prev) throw InputError(who + field + ".date: " + s.date() + " is before the previous session " + prev);
    prev = s.date();
    if (s.recipe().components_size() == 0) throw InputError(who + field + ".recipe: the session has no recipe");
    if (!(s.recipe().load() > 0) || !std::isfinite(s.recipe().load()))
      throw InputError(who + field + ".recipe.load: must be a positive number");
  }
  prev.clear();
  for (int i = 0; i < h.follow_ups_size(); ++i) {
    const auto& v = h.follow_ups(i);
    const std::string field = "follow_ups[" + std::to_string(i) + "]";
    valid_date(v.date(), field + ".date");
    if (!prev.empty() && v.date() < prev) throw InputError(who + field + ".date: " + v.date() + " is before the previous follow-up " + prev);
    prev = v.date();
    if (h.sessions_size() > 0 && v.date() < h.sessions(0).date())
      throw InputError(who + field + ".date: " + v.date() + " is before the first session " + h.sessions(0).date());
    if (!v.has_dot_lab() || !FiniteLab(v.dot_lab())) throw InputError(who + field + ".dot_lab: missing or not finite");
    if (!v.has_skin_lab() || !FiniteLab(v.skin_lab())) throw InputError(who + field + ".skin_lab: missing or not finite");
    // The same range check as `forecast` (fade::LabProblem), so nothing is imported that cannot be forecast.
    for (const auto& [lab, name] : {std::pair{&v.dot_lab(), ".dot_lab"}, std::pair{&v.skin_lab(), ".skin_lab"}}) {
      std::string sub;
      const std::string why = fade::LabProblem(*lab, &sub);
      if (!why.empty()) throw InputError(who + field + name + sub + ": " + why);
    }
  }
}

std::string HistoryToCsv(const pb::ClientHistory& h) {
  std::string out =
      "# shadecast client history (docs/conventions.md, History CSV)\n"
      "client_id,name,kind,date,recipe,load,depth_mm,dot_diameter_mm,dot_L,dot_a,dot_b,skin_L,skin_a,skin_b,photo_sha256,notes\n";
  auto clean = [](std::string s) {
    for (char& c : s)
      if (c == ',' || c == '\n' || c == '\r') c = ' ';
    return s;
  };
  for (const auto& s : h.sessions()) {
    std::string recipe;
    for (const auto& c : s.recipe().components()) recipe += (recipe.empty() ? "" : "+") + c.pigment() + ":" + Num(c.fraction());
    out += clean(h.client_id()) + "," + clean(h.name()) + ",session," + s.date() + "," + recipe + "," + Num(s.recipe().load()) +
           "," + Num(s.depth_mm()) + "," + Num(s.dot_diameter_mm()) + ",,,,,,,," + clean(s.notes()) + "\n";
  }
  for (const auto& v : h.follow_ups()) {
    out += clean(h.client_id()) + "," + clean(h.name()) + ",visit," + v.date() + ",,,,," + Num(v.dot_lab().l()) + "," +
           Num(v.dot_lab().a()) + "," + Num(v.dot_lab().b()) + "," + Num(v.skin_lab().l()) + "," + Num(v.skin_lab().a()) +
           "," + Num(v.skin_lab().b()) + "," + v.photo_sha256() + ",\n";
  }
  return out;
}

pb::ClientHistory HistoryFromCsv(const std::string& text, const std::string& source) {
  const color::CsvTable t = color::ParseCsv(text, source);
  if (t.cols() != 16) throw InputError(source + ": expected the 16 columns of a shadecast history CSV, found " + std::to_string(t.cols()));
  pb::ClientHistory h;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const std::string where = source + " row " + std::to_string(r + 1);
    if (h.client_id().empty()) {
      h.set_client_id(row[0]);
      h.set_name(row[1]);
    } else if (row[0] != h.client_id()) {
      throw InputError(where + ": one client per file (found '" + row[0] + "' after '" + h.client_id() + "')");
    }
    auto num = [&](size_t c) {
      try {
        return t.Number(r, c);
      } catch (const std::exception& e) {
        throw InputError(e.what());
      }
    };
    if (row[2] == "session") {
      auto* s = h.add_sessions();
      s->set_date(row[3]);
      size_t start = 0;
      while (start < row[4].size()) {
        size_t end = row[4].find('+', start);
        const std::string item = row[4].substr(start, end == std::string::npos ? std::string::npos : end - start);
        const size_t colon = item.find(':');
        double f = 1;
        if (colon == std::string::npos || !color::ParseDouble(item.substr(colon + 1), &f))
          throw InputError(where + ": recipe '" + row[4] + "' is not PIGMENT:FRACTION+...");
        auto* c = s->mutable_recipe()->add_components();
        c->set_pigment(item.substr(0, colon));
        c->set_fraction(f);
        if (end == std::string::npos) break;
        start = end + 1;
      }
      s->mutable_recipe()->set_load(num(5));
      if (!row[6].empty()) s->set_depth_mm(num(6));
      if (!row[7].empty()) s->set_dot_diameter_mm(num(7));
      s->set_notes(row[15]);
    } else if (row[2] == "visit") {
      auto* v = h.add_follow_ups();
      v->set_date(row[3]);
      v->mutable_dot_lab()->set_l(num(8));
      v->mutable_dot_lab()->set_a(num(9));
      v->mutable_dot_lab()->set_b(num(10));
      v->mutable_skin_lab()->set_l(num(11));
      v->mutable_skin_lab()->set_a(num(12));
      v->mutable_skin_lab()->set_b(num(13));
      v->set_photo_sha256(row[14]);
    } else {
      throw InputError(where + ": kind must be 'session' or 'visit', got '" + row[2] + "'");
    }
  }
  return h;
}

}  // namespace shadecast::cli
