// Undertone: hue angle, chroma, ITA (from D65-adapted values) and its category, nearest Monk Skin
// Tone swatch, cool / neutral / warm / olive class from data/undertone/ rules.
#include <cmath>

#include "color/adapt.h"
#include "color/ciede2000.h"
#include "color/lab.h"
#include "color/skin_tone.h"
#include "measure/measure.h"

namespace shadecast::measure {

std::string TargetToString(Target t) { return t == Target::kDots ? "dots" : "follicles"; }
Target TargetFromString(const std::string& s) {
  if (s == "follicles") return Target::kFollicles;
  if (s == "dots") return Target::kDots;
  throw std::invalid_argument("unknown target '" + s + "' (expected follicles or dots)");
}

UndertoneThresholds UndertoneThresholds::FromProto(const pb::UndertoneThresholds& p) {
  UndertoneThresholds t;
  if (p.rules_size() == 0) throw std::invalid_argument("undertone thresholds: no rules");
  for (const auto& r : p.rules()) {
    if (r.class_().empty()) throw std::invalid_argument("undertone thresholds: a rule has no class");
    if (!(r.hue_min_deg() >= 0 && r.hue_max_deg() <= 360 && r.hue_min_deg() < r.hue_max_deg()))
      throw std::invalid_argument("undertone thresholds: rule '" + r.class_() + "' needs 0 <= hue_min_deg < hue_max_deg <= 360");
    if (r.chroma_min() < 0 || r.chroma_max() < 0 || (r.chroma_max() > 0 && r.chroma_max() <= r.chroma_min()))
      throw std::invalid_argument("undertone thresholds: rule '" + r.class_() + "' has bad chroma limits");
    t.rules.push_back({r.class_(), r.hue_min_deg(), r.hue_max_deg(), r.chroma_min(), r.chroma_max()});
  }
  if (!p.default_class().empty()) t.default_class = p.default_class();
  if (p.on_threshold_margin_deg() > 0) t.on_threshold_margin_deg = p.on_threshold_margin_deg();
  return t;
}

namespace {
bool Holds(const UndertoneRule& r, double h, double c) {
  return h >= r.hue_min_deg && h < r.hue_max_deg && c >= r.chroma_min && (r.chroma_max <= 0 || c < r.chroma_max);
}
}  // namespace

std::string UndertoneClass(const color::Lab& skin, const UndertoneThresholds& t) {
  const double h = color::HueDeg(skin), c = color::Chroma(skin);
  for (const auto& r : t.rules)
    if (Holds(r, h, c)) return r.name;
  return t.default_class;
}

bool OnUndertoneThreshold(const color::Lab& skin, const UndertoneThresholds& t) {
  const double h = color::HueDeg(skin), c = color::Chroma(skin);
  const double m = t.on_threshold_margin_deg;
  // The class changes somewhere within the margin: probe the neighbourhood in hue and chroma (the
  // chroma margin is taken as the same number, in C*ab units).
  const std::string here = UndertoneClass(skin, t);
  for (double dh : {-m, 0.0, m})
    for (double dc : {-m, 0.0, m}) {
      const color::Lab p = color::LchToLab(color::Lab{skin[0], std::max(0.0, c + dc), std::fmod(h + dh + 360.0, 360.0)});
      if (UndertoneClass(p, t) != here) return true;
    }
  return false;
}

const std::array<color::Lab, 10>& MonkSwatchesLab() {
  static const std::array<color::Lab, 10> swatches = [] {
    // Monk Skin Tone scale (Monk 2019; skintone.google), sRGB hex as in design.md section 4.
    const unsigned hex[10] = {0xf6ede4, 0xf3e7db, 0xf7ead0, 0xeadaba, 0xd7bd96,
                              0xa07e56, 0x825c43, 0x604134, 0x3a312a, 0x292420};
    std::array<color::Lab, 10> out{};
    for (int i = 0; i < 10; ++i) {
      const color::Xyz rgb{color::SrgbDecode(((hex[i] >> 16) & 255) / 255.0), color::SrgbDecode(((hex[i] >> 8) & 255) / 255.0),
                           color::SrgbDecode((hex[i] & 255) / 255.0)};
      out[i] = color::XyzToLab(color::LinearSrgbToXyzD50(rgb), color::kIccD50White);
    }
    return out;
  }();
  return swatches;
}

int NearestMonk(const color::Lab& skin) {
  const auto& s = MonkSwatchesLab();
  int best = 0;
  double best_de = 1e300;
  for (int i = 0; i < 10; ++i) {
    const double d = color::DeltaE00(skin, s[i]);
    if (d < best_de) best_de = d, best = i;
  }
  return best + 1;
}

pb::Undertone Undertone(const color::Lab& skin, const UndertoneThresholds& t) {
  pb::Undertone u;
  u.set_class_(UndertoneClass(skin, t));
  u.set_hue_deg(color::HueDeg(skin));
  u.set_chroma(color::Chroma(skin));
  const double ita = color::ItaDeg(color::D50ToD65Lab(skin));
  u.set_ita_deg(ita);
  u.set_ita_category(color::ItaCategory(ita));
  u.set_monk(NearestMonk(skin));
  return u;
}

}  // namespace shadecast::measure
