// The one validation layer (issue 23): every field of every persisted message has a rule, and every
// numeric field refuses NaN, infinities and values outside its range by name. Reference values are
// the rule table itself (src/validate/rules.cpp) and the shipped data files; no tolerances (exact
// accept/refuse decisions).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "store/message_io.h"
#include "validate/rules.h"
#include "validate/validate.h"

namespace gp = google::protobuf;
using namespace shadecast;

namespace {

struct FieldPath {
  std::vector<const gp::FieldDescriptor*> chain;
  std::string text;
};

void Collect(const gp::Descriptor* d, std::vector<const gp::FieldDescriptor*> chain, std::vector<FieldPath>* out, int depth = 0) {
  REQUIRE(depth < 8);
  for (int i = 0; i < d->field_count(); ++i) {
    auto c = chain;
    c.push_back(d->field(i));
    std::string text;
    for (const auto* f : c) text += (text.empty() ? "" : ".") + f->name();
    out->push_back({c, text});
    if (d->field(i)->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) Collect(d->field(i)->message_type(), c, out, depth + 1);
  }
}

// The message holding the last field of `path`, creating each step (first element of repeated).
gp::Message* Holder(gp::Message* root, const FieldPath& path) {
  gp::Message* m = root;
  for (size_t i = 0; i + 1 < path.chain.size(); ++i) {
    const auto* f = path.chain[i];
    m = f->is_repeated() ? m->GetReflection()->AddMessage(m, f) : m->GetReflection()->MutableMessage(m, f);
  }
  return m;
}

// Sets a numeric field; false when the value cannot be represented by its type.
bool SetNumber(gp::Message* m, const gp::FieldDescriptor* f, double x) {
  const gp::Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
      rep ? r->AddDouble(m, f, x) : r->SetDouble(m, f, x);
      return true;
    case gp::FieldDescriptor::CPPTYPE_INT32:
      if (!std::isfinite(x) || x < -2147483648.0 || x > 2147483647.0) return false;
      rep ? r->AddInt32(m, f, int(x)) : r->SetInt32(m, f, int(x));
      return true;
    default: return false;
  }
}

bool Names(const std::vector<validate::Problem>& ps, const std::string& field) {
  for (const auto& p : ps)
    if (p.field == field || p.field.rfind(field + "[", 0) == 0) return true;
  return false;
}

// Returns how many out-of-range values were tried.
template <class Root>
int CheckEveryNumber() {
  std::vector<FieldPath> paths;
  Collect(Root::descriptor(), {}, &paths);
  int checked = 0;
  for (const auto& path : paths) {
    const auto* f = path.chain.back();
    const validate::Rule* rule = validate::FindRule(f->full_name());
    INFO(Root::descriptor()->name() << "." << path.text);
    REQUIRE(rule != nullptr);
    if (rule->kind != validate::Kind::kNumber) continue;
    // The problem's field path, with [0] after each repeated step.
    std::string want;
    for (const auto* g : path.chain) want += (want.empty() ? "" : ".") + g->name() + (g->is_repeated() && g != f ? "[0]" : "");
    const double span = rule->hi - rule->lo;
    const double inside = rule->lo_open || rule->hi_open ? rule->lo + span / 2 : rule->lo;
    for (double bad : {double(NAN), HUGE_VAL, -HUGE_VAL, rule->lo - std::max(1.0, std::abs(rule->lo)), rule->hi + std::max(1.0, std::abs(rule->hi))}) {
      if (rule->has_sentinel && bad == rule->sentinel) continue;
      Root root;
      if (!SetNumber(Holder(&root, path), f, bad)) continue;
      INFO("value " << bad);
      CHECK(Names(validate::FieldProblems(root), want));
      ++checked;
    }
    Root ok;
    REQUIRE(SetNumber(Holder(&ok, path), f, inside));
    INFO("in range " << inside);
    CHECK_FALSE(Names(validate::FieldProblems(ok), want));
  }
  return checked;
}

template <class M>
M Read(const std::string& rel) {
  M m;
  store::ReadMessage(std::string(SHADECAST_REPO_DIR) + "/" + rel, &m);
  return m;
}

}  // namespace

TEST_CASE("Every field of every persisted message has a rule and every number refuses NaN, inf and out-of-range values") {
  CHECK(CheckEveryNumber<pb::ClientHistory>() > 0);
  CHECK(CheckEveryNumber<pb::CameraProfile>() > 0);
  CHECK(CheckEveryNumber<pb::PigmentLibrary>() > 0);
  CHECK(CheckEveryNumber<pb::OpticsParams>() > 0);
  CHECK(CheckEveryNumber<pb::Recipe>() > 0);
}

TEST_CASE("Text, id, date and hash fields refuse what they cannot hold, naming the field") {
  pb::ClientHistory h;
  h.set_client_id("x'; DROP TABLE clients;--");
  h.set_name(std::string("Ann\0x", 5));  // NUL: cut by SQLite text (escape characters are kept verbatim)
  auto* s = h.add_sessions();
  s->set_date("2026-02-30");
  s->mutable_recipe()->set_load(0.5);
  s->mutable_recipe()->add_components()->set_pigment("../../etc/passwd");
  auto* v = h.add_follow_ups();
  v->set_date("2026-06-01");
  v->set_photo_sha256("abcz");
  const auto ps = validate::Problems(h);
  CHECK(Names(ps, "client_id"));
  CHECK(Names(ps, "name"));
  CHECK(Names(ps, "sessions[0].date"));
  CHECK(Names(ps, "sessions[0].recipe.components[0].pigment"));
  CHECK(Names(ps, "follow_ups[0].photo_sha256"));
  CHECK(Names(ps, "follow_ups[0].dot_lab"));
  CHECK_THROWS_WITH(validate::Validate(h, "in.textproto"), Catch::Contains("in.textproto: client_id:"));
}

TEST_CASE("import's crash case: a session load of 1e308 is refused with the allowed range") {
  pb::ClientHistory h;
  h.set_client_id("c1");
  auto* s = h.add_sessions();
  s->set_date("2026-01-10");
  s->mutable_recipe()->add_components()->set_pigment("carbon_black");
  s->mutable_recipe()->set_load(1e308);
  CHECK_THROWS_WITH(validate::Validate(h, "x.csv"), Catch::Contains("sessions[0].recipe.load") && Catch::Contains("(0, 1]"));
  s->mutable_recipe()->set_load(0.4);
  CHECK_NOTHROW(validate::Validate(h, "x.csv"));
  s->set_depth_mm(-3);
  CHECK_THROWS_WITH(validate::Validate(h, "x.csv"), Catch::Contains("sessions[0].depth_mm"));
}

TEST_CASE("Cross-field checks: dates in order, spectra of equal length, coefficients 3 x n_terms") {
  pb::ClientHistory h;
  h.set_client_id("c1");
  for (const char* d : {"2026-03-01", "2026-02-01"}) {
    auto* s = h.add_sessions();
    s->set_date(d);
    s->mutable_recipe()->set_load(0.5);
    s->mutable_recipe()->add_components()->set_pigment("carbon_black");
  }
  CHECK(Names(validate::Problems(h), "sessions[1].date"));

  pb::PigmentLibrary lib;
  auto* p = lib.add_pigments();
  p->set_id("a");
  for (double w : {400.0, 500.0, 450.0}) p->add_wavelengths_nm(w);
  p->add_k(1);
  CHECK(Names(validate::Problems(lib), "pigments[0].wavelengths_nm"));
  CHECK(Names(validate::Problems(lib), "pigments[0].k"));

  pb::CameraProfile prof;
  prof.set_n_terms(3);
  for (int i = 0; i < 8; ++i) prof.add_coefficients(0.1);
  CHECK(Names(validate::Problems(prof), "coefficients"));
}

TEST_CASE("Shipped data validate: the pigment library and the demo client") {
  CHECK(validate::Problems(Read<pb::PigmentLibrary>("data/pigments/default.textproto")).empty());
  CHECK(validate::Problems(Read<pb::ClientHistory>("data/samples/client_demo.textproto")).empty());
  pb::OpticsParams defaults;
  CHECK(validate::Problems(defaults).empty());
}

TEST_CASE("docs/conventions.md's Valid values table is the rule table") {
  std::ifstream in(std::string(SHADECAST_REPO_DIR) + "/docs/conventions.md");
  std::stringstream ss;
  ss << in.rdbuf();
  if (const char* out = std::getenv("SHADECAST_WRITE_RULES_TABLE")) std::ofstream(out) << validate::RulesMarkdown();
  INFO("regenerate: SHADECAST_WRITE_RULES_TABLE=/tmp/t.md build/bin/test_validate, paste under \"Valid values\"");
  CHECK(ss.str().find(validate::RulesMarkdown()) != std::string::npos);
}
