#pragma once
// Shared plumbing of the subcommands: error kinds and exit codes, flag value parsing, JSON output.
#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"

namespace google::protobuf {
class Message;
}

namespace shadecast::cli {

// Exit codes (docs/conventions.md): 0 success, 1 internal error, 2 bad usage or bad input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

// Bad command-line values or input data: the message names the input and what was expected.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// No chart found in a photo (calibrate, profile check): exit code 3, the message suggests --corners.
inline constexpr int kExitChartNotFound = 3;
struct ChartNotFoundError : InputError {
  using InputError::InputError;
};

// calibrate: the patches are not the chart definition's card (another card, wrong corners): exit 4,
// nothing written.
inline constexpr int kExitNotThisChart = 4;
struct NotThisChartError : InputError {
  using InputError::InputError;
};

// calibrate: the right card but a poor fit (leave-one-out mean above the "poor" verdict): exit 5,
// nothing written unless --force.
inline constexpr int kExitPoorCalibration = 5;
struct PoorCalibrationError : InputError {
  using InputError::InputError;
};

// A subcommand sets this during parsing; main runs it after a successful parse.
using Action = std::function<int()>;

struct Globals {
  bool verbose = false;
};
const Globals& GetGlobals();
void SetGlobals(const Globals& g);

// "L,a,b" -> Lab. Throws InputError naming `flag` when it is not three finite numbers.
color::Lab ParseTriple(const std::string& text, const std::string& flag);
// "x1,y1,...": exactly `n` numbers (n = 0: any count).
std::vector<double> ParseNumberList(const std::string& text, const std::string& flag, size_t n = 0);

// An illuminant by CIE name or a path to a CSV (wavelength, relative power; the first data column).
color::SampledSpectrum LoadIlluminant(const std::string& name_or_path);

// Prints JSON (2-space indent) to stdout.
void PrintJson(const nlohmann::json& j);
// [L, a, b] for JSON output.
inline nlohmann::json LabJson(const color::Lab& l) { return {l[0], l[1], l[2]}; }
// A protobuf message as JSON with field names as in the .proto and every primitive printed.
nlohmann::json MessageToJson(const google::protobuf::Message& m);

// An output path must never be one of the inputs (a consultation report written over the client's
// photo): InputError naming `flag` when `out` is the same file as any non-empty input (same path
// after normalising, or the same file through a link).
void RefuseOverwritingInput(const std::string& out, const std::string& flag, const std::vector<std::string>& inputs);

// A number flag within [lo, hi] (NaN and infinities refused): InputError naming `flag` and `what`.
void CheckRange(double value, double lo, double hi, const std::string& flag, const std::string& what);

// Today's date (YYYY-MM-DD): `as_of` if given, else $SHADECAST_TODAY, else the wall clock.
// Throws InputError for a malformed date.
std::string Today(const std::string& as_of);

}  // namespace shadecast::cli
