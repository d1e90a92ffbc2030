#pragma once
// Pieces shared by the synthetic cohort generators (cohort.cpp, cohort_misspec.cpp; internal header).
#include <cmath>
#include <cstdint>
#include <string>

#include "color/triple.h"
#include "fade/date.h"
#include "optics/params.h"
#include "shadecast/history.pb.h"

namespace shadecast::fade::cohort_parts {

// SplitMix64 finaliser: a client's seed from the cohort's seed and its index.
inline uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// L*a*b* as a clinic records it (two decimals).
inline void SetLab(pb::Lab* m, const color::Lab& l) {
  m->set_l(std::round(l[0] * 100) / 100);
  m->set_a(std::round(l[1] * 100) / 100);
  m->set_b(std::round(l[2] * 100) / 100);
}

// One session of the SMP carbon-black ink with `black_parts` of 20 and the rest warm neutralizer,
// at the shipped depth and dot diameter, load rounded to 0.001.
inline void AddSmpSession(pb::ClientHistory* h, int day, double load, int black_parts, const optics::ModelParams& params,
                          const std::string& note) {
  auto* ts = h->add_sessions();
  ts->set_date(FormatDate(day));
  ts->set_depth_mm(params.depth_mm);
  ts->set_dot_diameter_mm(params.dot_diameter_mm);
  auto* r = ts->mutable_recipe();
  r->set_load(std::round(load * 1000) / 1000);
  auto* b = r->add_components();
  b->set_pigment("smp_carbon_black");
  b->set_parts(black_parts);
  b->set_fraction(black_parts / 20.0);
  if (black_parts < 20) {
    auto* w = r->add_components();
    w->set_pigment("smp_warm_neutralizer");
    w->set_parts(20 - black_parts);
    w->set_fraction((20 - black_parts) / 20.0);
  }
  ts->set_notes(note);
}

}  // namespace shadecast::fade::cohort_parts
