#include "cli/records_json.h"

#include <regex>

#include "cli/common.h"

namespace shadecast::cli {

nlohmann::json ClientsJson(const std::vector<store::ClientSummary>& clients) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : clients)
    arr.push_back({{"client_id", c.id}, {"name", c.name}, {"created", c.created}, {"sessions", c.sessions},
                   {"visits", c.visits}, {"last_session", c.last_session}, {"last_visit", c.last_visit}});
  return {{"clients", arr}};
}

int ParseWithinDays(const std::string& within) {
  static const std::regex kWithin(R"(^(\d{1,5})([dwm]?)$)");
  std::smatch m;
  if (!std::regex_match(within, m, kWithin)) throw InputError("--within: expected a number of days like 60d (or 8w, 2m)");
  int days = std::stoi(m[1]);
  if (m[2] == "w") days *= 7;
  if (m[2] == "m") days *= 30;
  return days;
}

nlohmann::json AuditJson(const std::vector<store::AuditEntry>& rows) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& r : rows)
    all.push_back({{"seq", r.seq}, {"at", r.at}, {"actor", r.actor}, {"action", r.action}, {"object_type", r.object_type},
                   {"object_id", r.object_id}});
  return {{"audit", all}};
}

nlohmann::json DueJson(const std::vector<store::DueEntry>& due, const std::string& today, const std::string& until) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : due)
    arr.push_back({{"client_id", d.client_id}, {"name", d.name}, {"touch_up", d.touch_up_p50},
                   {"touch_up_p10", d.touch_up_p10}, {"touch_up_p90", d.touch_up_p90}, {"last_seen", d.last_seen},
                   {"overdue", d.touch_up_p50 < today}});
  return {{"as_of", today}, {"until", until}, {"due", arr}};
}

}  // namespace shadecast::cli
