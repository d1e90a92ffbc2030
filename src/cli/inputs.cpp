#include "cli/inputs.h"

#include <algorithm>

#include "blend/pigment_ks.h"
#include "cli/common.h"
#include "color/csv.h"
#include "shadecast/optics.pb.h"
#include "store/pigment_library.h"
#include "store/message_io.h"
#include "validate/validate.h"

namespace shadecast::cli {

optics::ModelParams LoadModelParams(const std::string& path) {
  optics::ModelParams m;
  if (!path.empty()) {
    pb::OpticsParams p;
    store::ReadMessage(path, &p);
    try {
      validate::Validate(p, path);  // the ranges of docs/conventions.md "Valid values"
    } catch (const validate::ValidationError& e) {
      throw InputError(e.what());
    }
    m = optics::FromProto(p);
  }
  std::string why;
  if (!m.IsValid(&why)) throw InputError((path.empty() ? std::string("default optics parameters") : path) + ": " + why);
  return m;
}

const optics::PigmentKS& Library::Find(const std::string& id) const {
  for (const auto& p : pigments)
    if (p.id == id) return p;
  std::string ids;
  for (const auto& p : pigments) ids += (ids.empty() ? "" : ", ") + p.id;
  throw InputError(source + ": no pigment '" + id + "' (the library has: " + ids + ")");
}

const pb::Pigment& Library::Proto(const std::string& id) const {
  for (const auto& p : proto.pigments())
    if (p.id() == id) return p;
  Find(id);  // throws the listing
  throw InputError("no pigment " + id);
}

std::unique_ptr<Library> LoadLibrary(const std::string& path) {
  auto lib = std::make_unique<Library>();
  if (path.empty()) {
    lib->source = store::DefaultPigmentLibraryPath().string();
    lib->proto = store::LoadDefaultPigmentLibrary();
  } else {
    lib->source = path;
    lib->proto = store::LoadPigmentLibrary(path);
  }
  for (const auto& p : lib->proto.pigments()) {
    lib->pigments.push_back(blend::PigmentKsFromProto(p));
  }
  return lib;
}

optics::Blend ParseBlend(const std::string& spec, const Library& lib, const std::string& flag) {
  optics::Blend blend;
  double total = 0;
  size_t start = 0;
  if (spec.empty()) throw InputError(flag + ": empty recipe, expected e.g. carbon_black:0.9,iron_oxide_red:0.1");
  while (start <= spec.size()) {
    size_t end = spec.find_first_of(",;+", start);
    const std::string item = spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const size_t colon = item.find(':');
    const std::string id = item.substr(0, colon);
    double share = 1.0;
    if (colon != std::string::npos && (!color::ParseDouble(item.substr(colon + 1), &share) || share < 0))
      throw InputError(flag + ": '" + item + "' is not PIGMENT:SHARE with a non-negative number");
    if (id.empty()) throw InputError(flag + ": '" + spec + "' has an empty pigment name");
    blend.push_back({&lib.Find(id), share});
    total += share;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!(total > 0)) throw InputError(flag + ": the shares in '" + spec + "' add up to zero");
  for (auto& c : blend) c.fraction /= total;
  return blend;
}

std::vector<blend::Candidate> RecipeCandidates(const Library& lib) {
  std::vector<blend::Candidate> candidates;
  for (int i = 0; i < lib.proto.pigments_size(); ++i) {
    const auto role = lib.proto.pigments(i).role();
    if (role == pb::REFERENCE || role == pb::ROLE_UNSPECIFIED || lib.proto.pigments(i).characterisation_only()) continue;
    candidates.push_back({&lib.pigments[static_cast<size_t>(i)], role == pb::BLACK});
  }
  if (std::none_of(candidates.begin(), candidates.end(), [](const blend::Candidate& c) { return c.black; }))
    throw InputError(lib.source + ": the library has no black pigment (role BLACK); a recipe starts from one");
  return candidates;
}

}  // namespace shadecast::cli
