#pragma once
// Calendar dates of the fade model: ISO 8601 YYYY-MM-DD <-> days since 1970-01-01 (proleptic
// Gregorian; Hinnant's civil-date algorithms).
#include <string>

namespace shadecast::fade {

inline constexpr double kDaysPerYear = 365.25;

// False when `iso` is not a valid YYYY-MM-DD calendar date.
bool TryParseDate(const std::string& iso, int* days);
// Throws std::invalid_argument "<what>: '<iso>' is not a date YYYY-MM-DD".
int ParseDate(const std::string& iso, const std::string& what);
std::string FormatDate(int days);
int DaysFromCivil(int y, unsigned m, unsigned d);
// Day of the year, 0-365.
int DayOfYear(int days);

}  // namespace shadecast::fade
