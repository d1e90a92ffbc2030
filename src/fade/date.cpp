#include "fade/date.h"

#include <cstdio>
#include <stdexcept>

namespace shadecast::fade {

int DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

namespace {
void CivilFromDays(int z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe) + era * 400 + (*m <= 2);
}
}  // namespace

bool TryParseDate(const std::string& iso, int* days) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (iso[i] < '0' || iso[i] > '9') return false;
  const int y = std::stoi(iso.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(iso.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(iso.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return false;
  static const unsigned kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kLen[m - 1] + (m == 2 && leap ? 1u : 0u)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

int ParseDate(const std::string& iso, const std::string& what) {
  int days = 0;
  if (!TryParseDate(iso, &days)) throw std::invalid_argument(what + ": '" + iso + "' is not a date YYYY-MM-DD");
  return days;
}

std::string FormatDate(int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

int DayOfYear(int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return days - DaysFromCivil(y, 1, 1);
}

}  // namespace shadecast::fade
