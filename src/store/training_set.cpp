#include "store/training_set.h"

#include <string>
#include <vector>

#include "blend/pigment_ks.h"
#include "calib/spectral.h"
#include "optics/model.h"
#include "store/pigment_library.h"

namespace shadecast::store {

calib::TrainingSet DefaultSkinTrainingSet(const optics::ModelParams& params) {
  const pb::PigmentLibrary lib = LoadDefaultPigmentLibrary();
  std::vector<optics::PigmentKS> ks;
  // The inks a clinic pours (not the characterisation-only artists' paints, not the reference white).
  for (const auto& p : lib.pigments())
    if (p.role() != pb::REFERENCE && !p.characterisation_only()) ks.push_back(blend::PigmentKsFromProto(p));
  std::vector<optics::BlendKS> blends;
  for (const auto& k : ks) blends.push_back(optics::MixBlend(optics::Blend{{&k, 1.0}}, params));
  return calib::SkinTrainingSet(params, blends);
}

}  // namespace shadecast::store
