// libFuzzer target (issue 23): both CSV readers — the generic one (color/csv.h: characterisation,
// outcomes, profile apply --rgb) and the history CSV (cli/history_csv.h, `import x.csv`).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cli/common.h"
#include "cli/history_csv.h"
#include "color/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto t = shadecast::color::ParseCsv(text, "fuzz.csv");
    double x = 0;
    for (const auto& row : t.rows)
      for (const auto& cell : row) shadecast::color::ParseDouble(cell, &x);
  } catch (const std::exception&) {
  }
  try {
    (void)shadecast::cli::HistoryFromCsv(text, "fuzz.csv");
  } catch (const std::exception&) {
  }
  return 0;
}
