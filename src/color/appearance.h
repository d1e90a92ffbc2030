#pragma once
// Appearance at viewing scale: how a patch of skin with dots or follicles looks from a distance,
// after the eye's spatial colour vision (S-CIELAB, Zhang & Wandell 1996/1997). One quantity for both
// sides of a consultation: the measurement filters the photo, the recipe filters a rendered lattice
// of dots, the synthesiser's truth filters its own clean rendering (docs/appearance.md).
//
// The filter: linear XYZ (D50, Y = 1 for the perfect white) -> Poirson & Wandell opponent channels
// (luminance, red-green, blue-yellow) -> each channel convolved with a weighted sum of Gaussians
// whose widths are fixed in degrees of visual angle (so in mm they grow with the distance) -> XYZ
// -> CIELAB per pixel. Parameters are the published ones (Zhang & Wandell 1996, SID Digest 27,
// 731-734, table 1; the same values as ISETCam's scGaussianParameters 'original'):
//   luminance   spreads 0.0283, 0.133, 4.336 deg, weights 0.921, 0.105, -0.108
//   red-green   spreads 0.0392, 0.494 deg,        weights 0.531, 0.330
//   blue-yellow spreads 0.0536, 0.386 deg,        weights 0.488, 0.371
// a "spread" s being the width of w exp(-r^2 / s^2), so the Gaussian's sigma is s / sqrt(2); each
// Gaussian has unit sum and each channel's weights are normalised to sum 1 (a flat field is
// unchanged). At 0.4 m the narrowest luminance Gaussian has sigma 0.14 mm, at 1.5 m 0.52 mm.
//
// No I/O and no OpenCV here: planes are plain vectors.
#include <array>
#include <string>
#include <vector>

#include "color/triple.h"

namespace shadecast::color {

// Planar linear XYZ D50 (Y = 1 for the perfect white), row-major. The pixel pitch may differ
// between the axes (a lattice cell whose sides are whole pixels).
struct XyzPlanes {
  int width = 0, height = 0;
  double px_per_mm_x = 0, px_per_mm_y = 0;
  std::array<std::vector<float>, 3> c;  // X, Y, Z planes, width * height each

  XyzPlanes() = default;
  XyzPlanes(int w, int h, double ppm_x, double ppm_y);
  size_t size() const { return static_cast<size_t>(width) * height; }
  Xyz At(int x, int y) const;
  // Bilinear at pixel coordinates (pixel centres at integers), clamped to the plane.
  Xyz Bilinear(double x, double y) const;
};

// Edges of a filtered plane: kReflect mirrors the plane about its borders (a region of skin whose
// surroundings look like itself); kPeriodic wraps (a lattice cell, exact for a periodic pattern).
enum class EdgeMode { kReflect, kPeriodic };

struct ViewingOptions {
  double near_distance_m = 0.4;      // the technician, a mirror
  double regional_distance_m = 1.5;  // social distance
  // Resolution the filters work at (the image is resampled by area averaging when finer): each is
  // at least ~2.5 samples per sigma of the narrowest luminance Gaussian at its distance.
  double near_px_per_mm = 15;
  double regional_px_per_mm = 5;
  // Callers that look at a photo (measurement, the synthesiser's truth) filter at most a square of
  // this side, centred in the region they are given (the look's statistics settle well within it).
  double max_region_side_mm = 30;
  bool IsValid(std::string* message) const;
};

// mm on the skin per degree of visual angle at `distance_m`.
double MmPerDegree(double distance_m);
// Sigma (mm) of the narrowest luminance Gaussian at `distance_m`: the finest detail the model sees.
double EyeSigmaMm(double distance_m);

// Area-average resampling to `px_per_mm` (both axes); planes at or coarser than it are returned as
// they are. The output covers the same area (its size rounded to whole pixels).
XyzPlanes ResampleToScale(const XyzPlanes& in, double px_per_mm);

// The S-CIELAB filter at `distance_m`. `presmoothed_sigma_mm`: blur the image already carries (the
// camera's optics, the resampling); it is taken off each Gaussian in quadrature (sigma_res^2 =
// sigma^2 - presmoothed^2, floored at 0). Returns filtered XYZ on the same grid.
XyzPlanes EyeFilter(const XyzPlanes& img, double distance_m, double presmoothed_sigma_mm, EdgeMode edge);

// Variance (mm^2) that area-averaging from pitch 1/from_ppm to 1/to_ppm adds: the box of the new
// pixel less the box already in the old one ((1/to^2 - 1/from^2) / 12).
double ResampleVarianceMm2(double from_ppm, double to_ppm);

// --- appearance of features (dots or follicles) on skin ----------------------------------------
struct NearAppearance {
  Lab lab{};                 // apparent colour of a typical feature's centre (median over features)
  double delta_l = 0;        // L* of the feature minus the skin's
  double delta_c = 0;        // C*ab minus the skin's
  double delta_h_deg = 0;    // hue angle minus the skin's, degrees in (-180, 180]
  double diameter_mm = 0;    // apparent diameter: twice the radius where the filtered darkening
                             // (in Y) falls to half of its centre value (median over features)
  double spread_de00 = 0;    // median dE00 of the features to `lab` (how alike they look)
  int features = 0;          // features used
};
struct RegionalAppearance {
  Lab lab{};                 // mean L*a*b* of the filtered region
  double de00_to_skin = 0;   // ... to the bare skin
  // Texture still visible at this distance: the standard deviation of the filtered L* over the
  // region (dots 1-2 mm apart stay visible as texture at 1.5 m).
  double texture_l = 0;
};
struct Appearance {
  NearAppearance near;
  RegionalAppearance regional;
  bool presmoothed_too_much = false;  // the image is blurrier than the eye at the near distance
};

struct AppearanceInputs {
  const XyzPlanes* image = nullptr;             // borrowed; the region, at its native scale
  std::vector<std::array<double, 2>> centres;   // features, pixels of `image`
  Xyz skin{};                                   // the bare skin (XYZ D50, Y = 1 white)
  double camera_sigma_px = 0;                   // blur already in `image`, its pixels
  EdgeMode edge = EdgeMode::kReflect;
};

// Throws std::invalid_argument for an empty image, a non-positive scale or invalid options.
Appearance ComputeAppearance(const AppearanceInputs& in, const ViewingOptions& options);

// The regional part alone (the measurement's uncertainty from the region's quarters).
RegionalAppearance ComputeRegionalAppearance(const XyzPlanes& image, const Xyz& skin, double camera_sigma_px,
                                             EdgeMode edge, const ViewingOptions& options);

// A regular (hexagonal) lattice of identical features with radial profile `profile(rho_mm)` (XYZ
// at distance rho from a feature's centre; the skin beyond its support) at `density_per_mm2`,
// rendered into one periodic cell (two features) with `supersample`^2 samples per pixel.
struct RadialProfile {
  std::vector<double> rho_mm;  // increasing, from 0
  std::vector<Xyz> xyz;        // at each rho; linear in between, the skin beyond the last
};
XyzPlanes RenderLatticeCell(const RadialProfile& profile, const Xyz& skin, double density_per_mm2,
                            double px_per_mm, int supersample = 3);
// The appearance of that lattice at both distances (periodic edges, no camera).
// (The features' centres are read at the cell's pixels nearest a quarter and three quarters of its
// diagonal, as LatticeBasis does.)
Appearance LatticeAppearance(const RadialProfile& profile, const Xyz& skin, double density_per_mm2,
                             const ViewingOptions& options);

// The lattice's filtered XYZ is linear in its profile (rendering interpolates linearly between the
// profile's nodes; the filter is linear): for fixed node radii, density and viewing options the
// responses to a unit excess at each node are computed once, and any profile on those nodes is then
// evaluated in microseconds (the recipe's inner loop). Evaluate() gives near.lab, its deltas and
// the regional appearance exactly as LatticeAppearance does; near.diameter_mm is left 0 (it needs
// the whole filtered cell: LatticeAppearance).
class LatticeBasis {
 public:
  LatticeBasis(const std::vector<double>& rho_mm, double density_per_mm2, const ViewingOptions& options);
  Appearance Evaluate(const std::vector<Xyz>& node_xyz, const Xyz& skin) const;

 private:
  int nodes_ = 0;
  std::vector<std::array<Xyz, 3>> near_;      // [sample x node][input channel] -> XYZ response
  std::vector<std::array<Xyz, 3>> regional_;  // every pixel of the regional cell
  int regional_pixels_ = 0;
};

}  // namespace shadecast::color
