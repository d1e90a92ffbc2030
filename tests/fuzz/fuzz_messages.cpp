// libFuzzer target (issue 23): every persisted message type in every format. The first byte picks
// the type, the second the format (text, JSON, binary); the rest is the file's bytes. A parsed
// history also goes through the import checks (cli::ValidateHistory) and the CSV writer and
// reader, a parsed profile through its JSON form. Parse errors are expected; crashes, hangs, leaks
// and undefined behaviour are findings.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cli/common.h"
#include "cli/history_csv.h"
#include "cli/records.h"
#include "shadecast/app.pb.h"
#include "shadecast/camera_profile.pb.h"
#include "shadecast/forecast.pb.h"
#include "shadecast/history.pb.h"
#include "shadecast/measurement.pb.h"
#include "shadecast/optics.pb.h"
#include "shadecast/pigment.pb.h"
#include "shadecast/recipe.pb.h"
#include "store/message_io.h"

using namespace shadecast;

namespace {

template <typename M>
bool Parse(const std::string& bytes, store::MessageFormat f, M* m) {
  try {
    store::ParseMessage(bytes, f, m, "fuzz");
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

void History(const std::string& bytes, store::MessageFormat f) {
  pb::ClientHistory h;
  if (!Parse(bytes, f, &h)) return;
  try {
    cli::ValidateHistory(h, "fuzz");
    const pb::ClientHistory back = cli::HistoryFromCsv(cli::HistoryToCsv(h), "fuzz.csv");
    (void)back;
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto f = static_cast<store::MessageFormat>(data[1] % 3);
  const std::string bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (data[0] % 8) {
    case 0: History(bytes, f); break;
    case 1: { pb::CameraProfile m; if (Parse(bytes, f, &m)) (void)store::SerializeMessage(m, store::MessageFormat::kJson); break; }
    case 2: { pb::PigmentLibrary m; Parse(bytes, f, &m); break; }
    case 3: { pb::FadePriors m; Parse(bytes, f, &m); break; }
    case 4: { pb::Measurement m; Parse(bytes, f, &m); break; }
    case 5: { pb::SessionPlan m; Parse(bytes, f, &m); break; }
    case 6: { pb::OpticsParams m; Parse(bytes, f, &m); break; }
    case 7: { pb::AppSettings m; Parse(bytes, f, &m); break; }
  }
  return 0;
}
