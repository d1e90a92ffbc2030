#pragma once
// What is valid in every persisted message (issue 23): one rule per field, as data. The walker in
// validate/validate.h applies them; docs/conventions.md "Valid values" is this table (a test
// compares). A field without a rule is itself a problem, so a new proto field must get one.
#include <string>
#include <string_view>
#include <vector>

namespace shadecast::validate {

enum class Kind {
  kNumber,    // finite, in [lo, hi] (or open ends), or the sentinel
  kBool,
  kEnum,      // one of the enum's declared values
  kText,      // free text, stored verbatim, at most max_len bytes, no NUL
  kClientId,  // 1-64 of letters, digits, '_', '-', '.'
  kPigmentId, // 1-64 of lower-case letters, digits, '_'
  kDate,      // YYYY-MM-DD, a real calendar date (empty only when empty_ok)
  kSha256,    // up to 64 hex digits (a hash or its start), or empty
  kChoice,    // one of `choices` (separated by '|'; "" allowed when empty_ok)
  kMessage,   // a nested message: its own fields' rules apply
};

struct Rule {
  std::string_view field;    // full proto name, e.g. "shadecast.pb.TreatmentSession.depth_mm"
  Kind kind = Kind::kNumber;
  double lo = 0, hi = 0;
  bool lo_open = false, hi_open = false;
  bool has_sentinel = false;
  double sentinel = 0;       // an allowed out-of-range marker ("-1: not computed")
  bool empty_ok = false;     // dates and choices: "" allowed (not recorded)
  int max_len = 0;           // text: bytes; repeated fields: elements (0: no repeated limit given)
  std::string_view choices;  // kChoice
  std::string_view meaning;  // plain words for messages and the docs table
};

// Every rule, in proto order of the messages they belong to.
const std::vector<Rule>& Rules();
// The rule for a field's full name, or nullptr.
const Rule* FindRule(std::string_view full_name);
// The allowed values in words: "(0, 1]", "0-5", "YYYY-MM-DD", "one of none|linear|quadratic".
std::string AllowedText(const Rule& r);

}  // namespace shadecast::validate
