#pragma once
// One place decides what is valid (issue 23): every persisted message is walked field by field
// against validate/rules.h, plus the few checks that span fields (dates in order, spectra of equal
// length). Entry points (CLI flags, import, visit add, the database read path, the web API) call
// these; no I/O here.
#include <stdexcept>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "shadecast/camera_profile.pb.h"
#include "shadecast/history.pb.h"
#include "shadecast/optics.pb.h"
#include "shadecast/pigment.pb.h"
#include "shadecast/recipe.pb.h"

namespace shadecast::validate {

struct Problem {
  std::string field;  // path inside the message, e.g. "sessions[2].recipe.load"
  std::string what;   // plain words, including the allowed values
};

class ValidationError : public std::invalid_argument {
 public:
  ValidationError(const std::string& message, std::vector<Problem> problems)
      : std::invalid_argument(message), problems_(std::move(problems)) {}
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// Every problem of any message against the rules (field ranges only).
std::vector<Problem> FieldProblems(const google::protobuf::Message& m);

// Field ranges plus the cross-field checks of each message type.
std::vector<Problem> Problems(const pb::ClientHistory& h);
std::vector<Problem> Problems(const pb::CameraProfile& p);
std::vector<Problem> Problems(const pb::PigmentLibrary& l);
std::vector<Problem> Problems(const pb::OpticsParams& o);
std::vector<Problem> Problems(const pb::Recipe& r);

// Throws ValidationError "<source>: <field>: <what>" (the first problem; all are in problems()).
void Check(const std::vector<Problem>& problems, const std::string& source);
template <class M>
void Validate(const M& m, const std::string& source) {
  Check(Problems(m), source);
}

// The "Valid values" table of docs/conventions.md.
std::string RulesMarkdown();

}  // namespace shadecast::validate
