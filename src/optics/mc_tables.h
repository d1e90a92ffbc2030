#pragma once
// Monte Carlo tables of skin and ink-dot reflectance, and their smooth interpolant (the engine's
// forward model; docs/optics.md).
//
// Tabulation: ONE white run (optics/mc.h) in transport units serves every node. With the epidermis
// and dermis scattering alike (mus, g) and the same refractive index, a photon's path depends only on
// mus; absorption and the ink only change its weight. So each path from a pencil beam, scaled by
// 1/mus for every mus node, gives
//   - its length above the epidermis depth (melanin) and below it (blood), weighted afterwards as
//     exp(-mua_e L_e - mua_d L_d) at every (mua_e, mua_d) node (Beer-Lambert per layer);
//   - the number n of its crossings of each ink plane (every depth node) inside each disc radius
//     (every diameter node), counted after translating the path so that it leaves the skin at the
//     dot's centre (uniform illumination, observed at the centre);
// and the dot-centre reflectance with opaque clusters of areal fill f is sum_n H_n (1 - f)^n. The
// tables keep, per node, the bare skin's reflectance and the share of it in each crossing class n.
// Exact for purely absorbing clusters; a cluster that absorbs a fraction a(lambda) of the light
// meeting it gives sum_n H_n (1 - f a)^n.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shadecast::pb {
class McTables;
}

namespace shadecast::optics {

struct TableAxes {
  std::vector<double> mus_per_mm, mua_epidermis_per_mm, mua_dermis_per_mm, depth_mm, diameter_mm;
  int crossing_bins = 12;
  // The dot's radial profile: observation points at rho = rho_rel x the dot's radius from its centre
  // (empty = no profile), tabulated on every other node (0, 2, 4, ...) of the five other axes.
  std::vector<double> profile_rho_rel;
  // The shipped grid (docs/optics.md "Tables").
  static TableAxes Default();
};

struct TabulateOptions {
  TableAxes axes = TableAxes::Default();
  double epidermis_mm = 0.06;  // Jacques 2013's 60 um; scalp epidermis 0.05-0.1 mm
  double g = 0.8;              // Jacques 2013 (skin g ~0.8 in the visible)
  double n_tissue = 1.4;       // Jacques 2013
  int64_t photons = 1000000;
  uint64_t seed = 2026;
  int threads = 0;
  double max_path_mfp = 20000;
  std::function<void(int done, int total)> progress;  // streams finished (may be empty)
  bool IsValid(std::string* why) const;
};

struct McTables {
  TableAxes axes;
  double epidermis_mm = 0, g = 0, n_tissue = 0;
  std::vector<float> skin, skin_se;  // [mus][mua_e][mua_d]
  std::vector<float> share;          // [mus][depth][diameter][n-1][mua_e][mua_d]
  // [mus'][depth'][diameter'][rho][n-1][mua_e'][mua_d'] on every other node of each axis (').
  std::vector<float> profile_share;
  int64_t photons = 0;
  uint64_t seed = 0;
  double seconds = 0, capped_fraction = 0, max_path_mfp = 0;
  std::string source;

  size_t SkinIndex(size_t s, size_t e, size_t d) const;
  size_t ShareIndex(size_t s, size_t z, size_t D, size_t n, size_t e, size_t d) const;
  // Profile nodes: every other node of each axis (node index 2i).
  static size_t Half(size_t n) { return (n + 1) / 2; }
  size_t ProfileEpidermisNodes() const { return Half(axes.mua_epidermis_per_mm.size()); }
  size_t ProfileDermisNodes() const { return Half(axes.mua_dermis_per_mm.size()); }
  size_t ProfileIndex(size_t s, size_t z, size_t D, size_t r, size_t n, size_t e2, size_t d2) const;
};

// Runs the white Monte Carlo and fills the tables (minutes; see docs/optics.md).
McTables Tabulate(const TabulateOptions& options);

void ToProto(const McTables& t, pb::McTables* p);
// Throws std::invalid_argument when the message's sizes do not agree with its axes.
McTables FromProto(const pb::McTables& p);

// The shipped tables (data/optics/mc_tables.pb, compiled into the engine), parsed once.
const McTables& ShippedTables();

}  // namespace shadecast::optics
