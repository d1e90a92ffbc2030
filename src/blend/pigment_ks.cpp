#include "blend/pigment_ks.h"

#include <cassert>

#include "optics/km.h"

namespace shadecast::blend {

PigmentKs PigmentKsFromProto(const pb::Pigment& p) {
  assert(p.k_size() == p.wavelengths_nm_size() && p.s_size() == p.wavelengths_nm_size());
  color::SampledSpectrum k{p.id() + " k",
                           {p.wavelengths_nm().begin(), p.wavelengths_nm().end()},
                           {p.k().begin(), p.k().end()}};
  color::SampledSpectrum s{p.id() + " s", k.wavelengths_nm, {p.s().begin(), p.s().end()}};
  PigmentKs out;
  out.id = p.id();
  out.k = color::ResampleTo36(k);
  out.s = color::ResampleTo36(s);
  if (p.has_sieve_k()) out.sieve_k = p.sieve_k();
  if (p.cluster_absorptance_size() > 0) {
    const color::SampledSpectrum a{p.id() + " cluster_absorptance", k.wavelengths_nm,
                                   {p.cluster_absorptance().begin(), p.cluster_absorptance().end()}};
    out.cluster_absorptance = color::ResampleTo36(a);
  } else {
    // An opaque clump of the drawdown's material returns R_infinity and absorbs the rest.
    for (int i = 0; i < color::kBands; ++i)
      out.cluster_absorptance[i] = out.s[i] > 0 ? 1.0 - optics::km::RInfinity(out.k[i], out.s[i]) : 1.0;
  }
  return out;
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
