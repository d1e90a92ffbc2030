#include "cli/records.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "cli/common.h"
#include "fade/client.h"
#include "validate/validate.h"

namespace shadecast::cli {
namespace {

std::chrono::sys_days ToDays(const std::string& iso) {
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(iso.substr(0, 4))),
                                        std::chrono::month(unsigned(std::stoi(iso.substr(5, 2)))),
                                        std::chrono::day(unsigned(std::stoi(iso.substr(8, 2))))};
  return std::chrono::sys_days(ymd);
}


}  // namespace

std::string DatabasePath(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("SHADECAST_DB");
  return (env && *env) ? env : "shadecast.db";
}

std::unique_ptr<store::Database> OpenDatabase(const std::string& flag) {
  const std::string path = DatabasePath(flag);
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

std::string ClientIdProblem(const std::string& id) {
  static const std::regex kId(R"(^[A-Za-z0-9_.-]{1,64}$)");
  if (std::regex_match(id, kId)) return "";
  return "client id '" + TerminalSafe(id) + "': use 1-64 letters, digits, '_', '-' or '.'";
}

std::string TerminalSafe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void CheckHistoryPigments(const pb::ClientHistory& h, const std::vector<std::string>& ids, const std::string& source) {
  for (int i = 0; i < h.sessions_size(); ++i)
    for (int j = 0; j < h.sessions(i).recipe().components_size(); ++j) {
      const std::string& p = h.sessions(i).recipe().components(j).pigment();
      if (std::find(ids.begin(), ids.end(), p) != ids.end()) continue;
      std::string known;
      for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
      throw InputError(source + ": client '" + h.client_id() + "': sessions[" + std::to_string(i) + "].recipe.components[" +
                       std::to_string(j) + "].pigment: '" + TerminalSafe(p) + "' is not in the pigment library (known: " + known + ")");
    }
}

void ValidateHistory(const pb::ClientHistory& h, const std::string& source) {
  if (h.client_id().empty()) throw InputError(source + ": client_id is empty");
  if (const std::string why = ClientIdProblem(h.client_id()); !why.empty()) throw InputError(source + ": " + why);
  // Every field against the one rule table (src/validate); the message names the field path.
  try {
    validate::Validate(h, source + ": client '" + h.client_id() + "'");
  } catch (const validate::ValidationError& e) {
    throw InputError(TerminalSafe(e.what()));
  }
  const std::string who = source + ": client '" + h.client_id() + "': ";
  for (int i = 0; i < h.follow_ups_size(); ++i) {
    const auto& v = h.follow_ups(i);
    const std::string field = "follow_ups[" + std::to_string(i) + "]";
    // The same range check as `forecast` (fade::LabProblem), so nothing is imported that cannot be forecast.
    for (const auto& [lab, name] : {std::pair{&v.dot_lab(), ".dot_lab"}, std::pair{&v.skin_lab(), ".skin_lab"}}) {
      std::string sub;
      const std::string why = fade::LabProblem(*lab, &sub);
      if (!why.empty()) throw InputError(who + field + name + sub + ": " + why);
    }
  }
}

}  // namespace shadecast::cli
