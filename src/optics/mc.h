#pragma once
// Photon-transport Monte Carlo for layered tissue with an embedded ink dot: the optics' ground truth.
//
// Method (Wang, Jacques & Zheng 1995, "MCML", Comput Methods Programs Biomed 47:131; Prahl et al.
// 1989, SPIE IS 5:102): photon packets with weights, free paths -ln(xi)/mu_t, implicit capture
// (w *= albedo at each interaction) and Russian roulette, Henyey-Greenstein scattering, Fresnel
// reflection at index-mismatched boundaries (probabilistic, with total internal reflection).
// Layers are plane-parallel slabs (x, y unbounded, z down from the surface at z = 0); the last one
// may be semi-infinite. Every layer has the tissue's refractive index; the media above and below may
// differ.
//
// The ink dot is a disc of opaque clusters in the plane z = depth (centred on the z axis): each time
// a path crosses that plane inside the disc it meets a cluster with probability `fill` (the areal
// fill of the sieve) and is absorbed there.
//
// Two modes:
//  - Run(): an ordinary ("direct") simulation with explicit absorption and the explicit disc.
//  - RunWhite(): a non-absorbing run whose every photon path (its vertices) is handed to a consumer,
//    which applies absorption afterwards as Beer-Lambert weights and the ink as (1 - fill)^n over the
//    n crossings (optics/mc_tables.h builds the fast tables this way). Paths are capped at
//    Options::max_path_mfp scattering lengths.
// Deterministic: photons are split into chunks seeded from (seed, chunk); chunks are assigned to a
// fixed number of streams whose tallies are summed in stream order, so results do not depend on the
// thread count. No I/O.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shadecast::optics::mc {

inline constexpr double kInfinite = std::numeric_limits<double>::infinity();

struct Layer {
  double mua_per_mm = 0;   // absorption coefficient
  double mus_per_mm = 0;   // scattering coefficient (not reduced)
  double g = 0;            // Henyey-Greenstein anisotropy, -1 < g < 1
  double thickness_mm = kInfinite;  // only the last layer may be infinite
};

// An opaque-cluster ink disc (see the header comment).
struct InkDisc {
  double depth_mm = 0.1;
  double diameter_mm = 0.5;
  double fill = 1.0;  // 0 (no ink) .. 1 (an opaque disc)
};

enum class Incidence {
  kCollimated,  // a collimated beam at Beam::angle_deg from the normal
  kDiffuse,     // Lambertian (cosine-weighted) incidence from the hemisphere above
};

// Where light enters and what is scored.
struct Beam {
  Incidence incidence = Incidence::kCollimated;
  double angle_deg = 0;  // collimated incidence angle in air
  // Entry points uniform over a disc of this radius about the axis (0 = a pencil beam at the origin).
  double illumination_radius_mm = 0;
  // Only light leaving the surface within this radius of the axis is scored as reflectance
  // (infinite = everywhere); the reflectance is then per unit illuminated area: detected weight /
  // photons x (illuminated area / detector area).
  double detection_radius_mm = kInfinite;
};

struct Options {
  int64_t photons = 100000;
  uint64_t seed = 1;
  int threads = 0;           // 0 = all hardware threads
  double n_tissue = 1.4;     // every layer (Jacques 2013: ~1.4 for skin)
  double n_above = 1.0;      // air
  double n_below = 1.4;      // below a finite stack; equal to n_tissue = no boundary there
  double roulette_weight = 1e-4;  // direct mode: weights below this play roulette (1 in 10 survive)
  // White mode: a path still inside after this many scattering lengths is dropped (and counted).
  double max_path_mfp = 20000;
  // Called (serialised) after each of the fixed streams of photons is done: (done, total).
  std::function<void(int, int)> progress;

  // Empty `why` when valid; otherwise says which field is wrong and why.
  bool IsValid(std::string* why) const;
};

// Tallies of a direct run, as fractions of the incident light, with standard errors.
struct Result {
  int64_t photons = 0;
  double specular_reflectance = 0;      // reflected at the surface on entry
  double diffuse_reflectance = 0;       // remitted through the surface (scored by the detector)
  double total_transmittance = 0;       // leaving through the bottom of a finite stack
  double unscattered_transmittance = 0; // part of it that never scattered
  double absorbed = 0;                  // in the tissue (including the ink)
  double absorbed_by_ink = 0;
  double diffuse_reflectance_se = 0;
  double total_transmittance_se = 0;
};

// Checks the layers (positive thicknesses, only the last infinite, g in (-1, 1), coefficients >= 0)
// and the disc; throws std::invalid_argument naming the field.
void ValidateSetup(const std::vector<Layer>& layers, const std::optional<InkDisc>& ink);

Result Run(const std::vector<Layer>& layers, const std::optional<InkDisc>& ink, const Beam& beam,
           const Options& options);

// One photon path of a white run, in mm. vertices: x, y, z of the entry point, every interaction
// and every surface contact, in order; `escaped` says the last vertex is where it left through the
// surface (false: it left through the bottom or hit the path cap, and is not remitted light).
struct WhitePath {
  std::vector<double> xyz;  // 3 per vertex
  double weight = 1;        // 1 - the specular loss at entry
  bool escaped = false;
  int vertices() const { return static_cast<int>(xyz.size() / 3); }
};

// A consumer of white paths. One is made per stream; Merge folds streams in stream order.
class WhiteConsumer {
 public:
  virtual ~WhiteConsumer() = default;
  virtual void Consume(const WhitePath& path) = 0;
  virtual void Merge(const WhiteConsumer& other) = 0;
};

struct WhiteStats {
  int64_t photons = 0;
  int64_t escaped = 0;
  int64_t capped = 0;            // dropped at the path cap
  double specular_reflectance = 0;
  double mean_vertices = 0;
};

// A non-absorbing run (every layer's mua ignored, scattering as given) feeding `make()`'s consumers;
// returns the merged consumer of stream 0 and the run's statistics.
WhiteStats RunWhite(const std::vector<Layer>& layers, const Beam& beam, const Options& options,
                    const std::function<std::unique_ptr<WhiteConsumer>()>& make,
                    std::unique_ptr<WhiteConsumer>* merged);

// Unpolarised Fresnel reflectance for light going from index n1 into n2 with direction cosine
// cos_i (> 0) to the normal; 1 beyond the critical angle.
double FresnelReflectance(double n1, double n2, double cos_i);

// Helpers for consumers of white paths (plane-parallel geometry).
// Adds the part of a straight segment of length `len` from depth z0 to z1 lying above z_split to
// *above and the rest to *below.
inline void SplitSegment(double z0, double z1, double len, double z_split, double* above, double* below) {
  if (z0 <= z_split && z1 <= z_split) {
    *above += len;
  } else if (z0 >= z_split && z1 >= z_split) {
    *below += len;
  } else {
    const double f = (z_split - (z0 < z1 ? z0 : z1)) / (z0 < z1 ? z1 - z0 : z0 - z1);
    *above += len * f;
    *below += len * (1.0 - f);
  }
}
// Length of the path at depths z < z_split and z >= z_split.
void PathLengthsAbove(const WhitePath& path, double z_split, double* above, double* below);

}  // namespace shadecast::optics::mc
