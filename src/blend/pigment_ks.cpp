#include "blend/pigment_ks.h"

#include <cassert>

namespace shadecast::blend {

PigmentKs PigmentKsFromProto(const pb::Pigment& p) {
  assert(p.k_size() == p.wavelengths_nm_size() && p.s_size() == p.wavelengths_nm_size());
  color::SampledSpectrum k{p.id() + " k",
                           {p.wavelengths_nm().begin(), p.wavelengths_nm().end()},
                           {p.k().begin(), p.k().end()}};
  color::SampledSpectrum s{p.id() + " s", k.wavelengths_nm, {p.s().begin(), p.s().end()}};
  return {p.id(), color::ResampleTo36(k), color::ResampleTo36(s)};
}

void PigmentKsToProto(const PigmentKs& ks, pb::Pigment* out) {
  out->clear_wavelengths_nm();
  out->clear_k();
  out->clear_s();
  for (int i = 0; i < color::kBands; ++i) {
    out->add_wavelengths_nm(color::BandNm(i));
    out->add_k(ks.k[i]);
    out->add_s(ks.s[i]);
  }
}

}  // namespace shadecast::blend
