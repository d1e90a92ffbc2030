#pragma once
// Inputs several subcommands share: optics parameter files, pigment libraries, recipes.
#include <memory>
#include <string>
#include <vector>

#include "blend/recipe.h"
#include "optics/params.h"
#include "shadecast/pigment.pb.h"

namespace shadecast::cli {

// `--params FILE` (an OpticsParams message; empty = the documented defaults), validated.
optics::ModelParams LoadModelParams(const std::string& path);

// A pigment library with its K, S resampled onto the model's grid.
struct Library {
  std::string source;
  pb::PigmentLibrary proto;
  std::vector<optics::PigmentKS> pigments;  // same order as proto.pigments()
  const optics::PigmentKS& Find(const std::string& id) const;  // InputError listing the ids
  const pb::Pigment& Proto(const std::string& id) const;
};
// `--library FILE` (empty = data/pigments/default.textproto).
std::unique_ptr<Library> LoadLibrary(const std::string& path);

// "carbon_black", "carbon_black:0.9,iron_oxide_red:0.1" or parts "carbon_black:9,iron_oxide_red:1"
// (',' ';' or '+' between components); shares are normalised to sum to 1. The blend borrows
// pigments from `lib`. Throws InputError naming `flag`.
optics::Blend ParseBlend(const std::string& spec, const Library& lib, const std::string& flag);

// The library's recipe pigments (every role but REFERENCE), blacks marked. Throws InputError when the
// library has no black.
std::vector<blend::Candidate> RecipeCandidates(const Library& lib);

}  // namespace shadecast::cli
