// libFuzzer target (issue 23): the small text parsers of flag values — chart corners (--corners),
// L,a,b triples, --within windows, dates (--as-of), client ids and the terminal sanitiser.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cli/calib_inputs.h"
#include "cli/common.h"
#include "cli/records.h"
#include "cli/records_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using namespace shadecast::cli;
  try { (void)ParseCorners(text); } catch (const std::exception&) {}
  try { (void)ParseTriple(text, "--lab"); } catch (const std::exception&) {}
  try { (void)ParseWithinDays(text); } catch (const std::exception&) {}
  try { (void)Today(text); } catch (const std::exception&) {}
  (void)ClientIdProblem(text);
  const std::string safe = TerminalSafe(text);
  for (const unsigned char c : safe)
    if (c < 0x20 || c == 0x7f) __builtin_trap();  // the sanitiser's own promise
  return 0;
}
