#pragma once
// Shared by the record-keeping subcommands: the database location, dates, recipe messages, history
// checks (the history CSV: cli/history_csv.h).
#include <memory>
#include <string>
#include <vector>

#include "shadecast/history.pb.h"
#include "store/database.h"

namespace shadecast::cli {

// --db PATH, else $SHADECAST_DB, else ./shadecast.db.
std::string DatabasePath(const std::string& flag);
// The database at DatabasePath(flag), created when absent. Opening errors become InputError (exit 2).
std::unique_ptr<store::Database> OpenDatabase(const std::string& flag);

// A YYYY-MM-DD date that is valid and not after `today`. Throws InputError naming `what`.
std::string CheckDate(const std::string& date, const std::string& what, const std::string& today);

// Days from a to b (ISO dates).
int DaysBetween(const std::string& a, const std::string& b);
std::string AddDays(const std::string& date, int days);

// Client ids: 1-64 of letters, digits, '_', '-' or '.' (`client add`, `import`, the database read
// path). "" when `id` is one, else what is wrong.
std::string ClientIdProblem(const std::string& id);

// Text from the records (names, ids) made safe for a terminal: control characters (ESC, BEL, CR,
// ...) and DEL shown as \xNN instead of being obeyed (JSON output escapes them itself).
std::string TerminalSafe(const std::string& text);

// Structural checks of a history before it is stored: an id, dates valid and in order, no
// follow-up before the first session, every session with a recipe, finite L*a*b*. Throws
// InputError "<source>: client '<id>': <field>: <problem>".
void ValidateHistory(const pb::ClientHistory& h, const std::string& source);
// Every session's pigments are in the library `ids` (import: a history naming an ink the clinic
// does not have cannot be forecast). Throws InputError naming the field and the known ids.
void CheckHistoryPigments(const pb::ClientHistory& h, const std::vector<std::string>& ids, const std::string& source);

}  // namespace shadecast::cli
