#pragma once
// The JSON of the record commands, shared by the CLI (`client list --json`, `due --json`) and the
// chair-side app's API (/api/clients, /api/due), so both say the same thing with the same keys.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace shadecast::cli {

// {"clients": [{client_id, name, created, sessions, visits, last_session, last_visit}, ...]}
nlohmann::json ClientsJson(const std::vector<store::ClientSummary>& clients);

// {"audit": [{seq, at, actor, action, object_type, object_id}, ...]} (`audit --json`, /api/audit)
nlohmann::json AuditJson(const std::vector<store::AuditEntry>& rows);

// "--within" as days: a count with an optional unit d, w (7 days) or m (30 days). Throws InputError.
int ParseWithinDays(const std::string& within);

// {"as_of", "until", "due": [{client_id, name, touch_up, touch_up_p10, touch_up_p90, last_seen, overdue}]}
nlohmann::json DueJson(const std::vector<store::DueEntry>& due, const std::string& today, const std::string& until);

}  // namespace shadecast::cli
