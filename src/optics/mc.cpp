#include "optics/mc.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <thread>

#include "optics/mc_random.h"

namespace shadecast::optics::mc {
namespace {

constexpr int kStreams = 16;      // fixed: results do not depend on the thread count
constexpr int64_t kChunk = 2048;  // photons per seeded chunk

struct Geometry {
  std::vector<Layer> layers;
  std::vector<double> z_top, z_bottom;
};

Geometry MakeGeometry(const std::vector<Layer>& layers) {
  Geometry g{layers, {}, {}};
  double z = 0;
  for (const Layer& l : layers) {
    g.z_top.push_back(z);
    z += l.thickness_mm;
    g.z_bottom.push_back(z);
  }
  return g;
}

struct Photon {
  double x = 0, y = 0, z = 0, ux = 0, uy = 0, uz = 1, w = 1;
  int layer = 0;
  bool alive = true;
};

// Henyey-Greenstein deflection and the direction update (MCML's Spin).
void Scatter(Photon* p, double g, Xoshiro* rng) {
  double cost;
  if (std::abs(g) < 1e-6) {
    cost = 2.0 * rng->Uniform() - 1.0;
  } else {
    const double t = (1.0 - g * g) / (1.0 - g + 2.0 * g * rng->Uniform());
    cost = std::clamp((1.0 + g * g - t * t) / (2.0 * g), -1.0, 1.0);
  }
  const double sint = std::sqrt(std::max(0.0, 1.0 - cost * cost));
  const double psi = 2.0 * std::numbers::pi * rng->Uniform();
  const double cosp = std::cos(psi), sinp = std::sin(psi);
  if (std::abs(p->uz) > 1.0 - 1e-12) {
    p->ux = sint * cosp;
    p->uy = sint * sinp;
    p->uz = cost * (p->uz > 0 ? 1.0 : -1.0);
  } else {
    const double temp = std::sqrt(1.0 - p->uz * p->uz);
    const double ux = sint * (p->ux * p->uz * cosp - p->uy * sinp) / temp + p->ux * cost;
    const double uy = sint * (p->uy * p->uz * cosp + p->ux * sinp) / temp + p->uy * cost;
    p->uz = -sint * cosp * temp + p->uz * cost;
    p->ux = ux;
    p->uy = uy;
  }
  // Renormalise against drift.
  const double n = std::sqrt(p->ux * p->ux + p->uy * p->uy + p->uz * p->uz);
  p->ux /= n;
  p->uy /= n;
  p->uz /= n;
}

// Launch: entry point and refracted direction; returns the specular weight reflected at entry.
double Launch(const Beam& beam, const Options& o, Photon* p, Xoshiro* rng) {
  *p = Photon{};
  if (beam.illumination_radius_mm > 0) {
    const double r = beam.illumination_radius_mm * std::sqrt(rng->Uniform());
    const double phi = 2.0 * std::numbers::pi * rng->Uniform();
    p->x = r * std::cos(phi);
    p->y = r * std::sin(phi);
  }
  double cos_i, azimuth = 0;
  if (beam.incidence == Incidence::kDiffuse) {
    cos_i = std::sqrt(rng->UniformOpen());
    azimuth = 2.0 * std::numbers::pi * rng->Uniform();
  } else {
    cos_i = std::cos(beam.angle_deg * std::numbers::pi / 180.0);
  }
  const double rsp = FresnelReflectance(o.n_above, o.n_tissue, cos_i);
  const double sin_t = o.n_above / o.n_tissue * std::sqrt(std::max(0.0, 1.0 - cos_i * cos_i));
  p->uz = std::sqrt(std::max(0.0, 1.0 - sin_t * sin_t));
  p->ux = sin_t * std::cos(azimuth);
  p->uy = sin_t * std::sin(azimuth);
  p->w = 1.0 - rsp;
  return rsp;
}

// What happens where a path meets the top surface or the bottom of a finite stack.
enum class Boundary { kInside, kEscapedTop, kEscapedBottom };

Boundary CrossBoundary(const Geometry& g, const Options& o, Photon* p, Xoshiro* rng) {
  const bool down = p->uz > 0;
  const int last = static_cast<int>(g.layers.size()) - 1;
  if (!down && p->layer == 0) {
    if (rng->Uniform() < FresnelReflectance(o.n_tissue, o.n_above, -p->uz)) {
      p->uz = -p->uz;
      return Boundary::kInside;
    }
    return Boundary::kEscapedTop;
  }
  if (down && p->layer == last) {
    if (rng->Uniform() < FresnelReflectance(o.n_tissue, o.n_below, p->uz)) {
      p->uz = -p->uz;
      return Boundary::kInside;
    }
    return Boundary::kEscapedBottom;
  }
  p->layer += down ? 1 : -1;
  return Boundary::kInside;
}

// Distance along the direction to the current layer's boundary (infinite if parallel or none).
double DistanceToBoundary(const Geometry& g, const Photon& p) {
  if (p.uz > 0) return (g.z_bottom[p.layer] - p.z) / p.uz;
  if (p.uz < 0) return (g.z_top[p.layer] - p.z) / p.uz;
  return kInfinite;
}

struct Tally {
  double specular = 0, rd = 0, rd2 = 0, tt = 0, tt2 = 0, tu = 0, absorbed = 0, ink = 0;
  void Add(const Tally& t) {
    specular += t.specular;
    rd += t.rd;
    rd2 += t.rd2;
    tt += t.tt;
    tt2 += t.tt2;
    tu += t.tu;
    absorbed += t.absorbed;
    ink += t.ink;
  }
};

// Moves the photon by `d` mm; returns false when the ink disc absorbed it on the way.
bool Move(Photon* p, double d, const std::optional<InkDisc>& ink, Xoshiro* rng, Tally* t) {
  const double z0 = p->z;
  const double x1 = p->x + d * p->ux, y1 = p->y + d * p->uy, z1 = p->z + d * p->uz;
  if (ink && (z0 - ink->depth_mm) * (z1 - ink->depth_mm) < 0) {
    const double s = (ink->depth_mm - z0) / p->uz;
    const double xc = p->x + s * p->ux, yc = p->y + s * p->uy;
    const double r = 0.5 * ink->diameter_mm;
    if (xc * xc + yc * yc < r * r && rng->Uniform() < ink->fill) {
      t->ink += p->w;
      t->absorbed += p->w;
      return false;
    }
  }
  p->x = x1;
  p->y = y1;
  p->z = z1;
  return true;
}

// One photon of a direct run.
void TracePhoton(const Geometry& g, const std::optional<InkDisc>& ink, const Beam& beam, const Options& o,
                 Xoshiro* rng, Tally* t) {
  Photon p;
  const double rsp = Launch(beam, o, &p, rng);
  t->specular += rsp;
  bool scattered = false;
  double s_left = -std::log(rng->UniformOpen());
  while (true) {
    const Layer& l = g.layers[p.layer];
    const double mut = l.mua_per_mm + l.mus_per_mm;
    const double db = DistanceToBoundary(g, p);
    const double s = mut > 0 ? s_left / mut : kInfinite;
    if (s >= db) {
      if (!Move(&p, db, ink, rng, t)) return;
      if (mut > 0) s_left -= db * mut;
      const Boundary b = CrossBoundary(g, o, &p, rng);
      if (b == Boundary::kEscapedTop) {
        const double r2 = p.x * p.x + p.y * p.y;
        if (r2 < beam.detection_radius_mm * beam.detection_radius_mm) {
          t->rd += p.w;
          t->rd2 += p.w * p.w;
        }
        return;
      }
      if (b == Boundary::kEscapedBottom) {
        t->tt += p.w;
        t->tt2 += p.w * p.w;
        if (!scattered) t->tu += p.w;
        return;
      }
      continue;
    }
    if (!Move(&p, s, ink, rng, t)) return;
    const double absorbed = p.w * l.mua_per_mm / mut;
    t->absorbed += absorbed;
    p.w -= absorbed;
    Scatter(&p, l.g, rng);
    scattered = true;
    s_left = -std::log(rng->UniformOpen());
    if (p.w < o.roulette_weight) {
      if (rng->Uniform() < 0.1) {
        p.w *= 10.0;
      } else {
        return;
      }
    }
  }
}

// Runs `per_chunk(chunk, stream)` for every chunk, streams spread over the threads.
template <typename F>
void ForEachChunk(const Options& o, F per_stream) {
  const int n = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  std::atomic<int> next{0};
  std::mutex mu;
  int done = 0;
  auto worker = [&] {
    for (int s = next++; s < kStreams; s = next++) {
      per_stream(s);
      if (o.progress) {
        std::lock_guard<std::mutex> lock(mu);
        o.progress(++done, kStreams);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < std::min(n, kStreams); ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& th : pool) th.join();
}

int64_t ChunkCount(int64_t photons) { return (photons + kChunk - 1) / kChunk; }
int64_t ChunkSize(int64_t photons, int64_t c) { return std::min(kChunk, photons - c * kChunk); }

}  // namespace

double FresnelReflectance(double n1, double n2, double cos_i) {
  if (n1 == n2) return 0.0;
  cos_i = std::clamp(cos_i, 0.0, 1.0);
  const double sin_t = n1 / n2 * std::sqrt(1.0 - cos_i * cos_i);
  if (sin_t >= 1.0) return 1.0;
  const double cos_t = std::sqrt(1.0 - sin_t * sin_t);
  const double rs = (n1 * cos_i - n2 * cos_t) / (n1 * cos_i + n2 * cos_t);
  const double rp = (n1 * cos_t - n2 * cos_i) / (n1 * cos_t + n2 * cos_i);
  return 0.5 * (rs * rs + rp * rp);
}

bool Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (photons <= 0) return fail("photons must be positive");
  if (!(n_tissue >= 1.0 && n_above >= 1.0 && n_below >= 1.0 && n_tissue < 4 && n_above < 4 && n_below < 4))
    return fail("refractive indices must be in [1, 4)");
  if (!(roulette_weight > 0 && roulette_weight < 1)) return fail("roulette_weight must be in (0, 1)");
  if (!(max_path_mfp >= 10)) return fail("max_path_mfp must be at least 10");
  if (threads < 0) return fail("threads must be >= 0");
  if (why) why->clear();
  return true;
}

void ValidateSetup(const std::vector<Layer>& layers, const std::optional<InkDisc>& ink) {
  if (layers.empty()) throw std::invalid_argument("Monte Carlo: no layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const std::string name = "Monte Carlo layer " + std::to_string(i) + ": ";
    if (!(l.mua_per_mm >= 0 && std::isfinite(l.mua_per_mm)))
      throw std::invalid_argument(name + "mua must be finite and >= 0");
    if (!(l.mus_per_mm >= 0 && std::isfinite(l.mus_per_mm)))
      throw std::invalid_argument(name + "mus must be finite and >= 0");
    if (!(l.g > -1 && l.g < 1)) throw std::invalid_argument(name + "g must be in (-1, 1)");
    if (!(l.thickness_mm > 0)) throw std::invalid_argument(name + "thickness must be positive");
    if (std::isinf(l.thickness_mm) && i + 1 != layers.size())
      throw std::invalid_argument(name + "only the last layer may be semi-infinite");
    if (std::isinf(l.thickness_mm) && l.mua_per_mm + l.mus_per_mm <= 0)
      throw std::invalid_argument(name + "a semi-infinite layer must absorb or scatter");
  }
  if (ink) {
    if (!(ink->depth_mm > 0 && std::isfinite(ink->depth_mm)))
      throw std::invalid_argument("Monte Carlo ink disc: depth must be positive");
    if (!(ink->diameter_mm >= 0 && std::isfinite(ink->diameter_mm)))
      throw std::invalid_argument("Monte Carlo ink disc: diameter must be >= 0");
    if (!(ink->fill >= 0 && ink->fill <= 1)) throw std::invalid_argument("Monte Carlo ink disc: fill must be in [0, 1]");
  }
}

Result Run(const std::vector<Layer>& layers, const std::optional<InkDisc>& ink, const Beam& beam,
           const Options& options) {
  ValidateSetup(layers, ink);
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("Monte Carlo options: " + why);
  const Geometry g = MakeGeometry(layers);
  std::vector<Tally> streams(kStreams);
  const int64_t chunks = ChunkCount(options.photons);
  ForEachChunk(options, [&](int s) {
    for (int64_t c = s; c < chunks; c += kStreams) {
      Xoshiro rng(options.seed, static_cast<uint64_t>(c));
      const int64_t n = ChunkSize(options.photons, c);
      for (int64_t i = 0; i < n; ++i) TracePhoton(g, ink, beam, options, &rng, &streams[s]);
    }
  });
  Tally t;
  for (const Tally& s : streams) t.Add(s);
  const double n = static_cast<double>(options.photons);
  // Reflectance per unit illuminated area when the detector is a finite disc under a wide beam.
  double area_ratio = 1.0;
  if (std::isfinite(beam.detection_radius_mm) && beam.illumination_radius_mm > 0)
    area_ratio = (beam.illumination_radius_mm * beam.illumination_radius_mm) /
                 (beam.detection_radius_mm * beam.detection_radius_mm);
  auto se = [n](double sum, double sum2) {
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sum2 / n - mean * mean) / n);
  };
  Result r;
  r.photons = options.photons;
  r.specular_reflectance = t.specular / n;
  r.diffuse_reflectance = t.rd / n * area_ratio;
  r.diffuse_reflectance_se = se(t.rd, t.rd2) * area_ratio;
  r.total_transmittance = t.tt / n;
  r.total_transmittance_se = se(t.tt, t.tt2);
  r.unscattered_transmittance = t.tu / n;
  r.absorbed = t.absorbed / n;
  r.absorbed_by_ink = t.ink / n;
  return r;
}

namespace {

struct WhiteTally {
  int64_t escaped = 0, capped = 0, vertices = 0;
  double specular = 0;
};

void Push(WhitePath* path, const Photon& p) {
  path->xyz.push_back(p.x);
  path->xyz.push_back(p.y);
  path->xyz.push_back(p.z);
}

// One photon of a white run: its path into `path`.
void TraceWhite(const Geometry& g, const Beam& beam, const Options& o, Xoshiro* rng, WhitePath* path,
                WhiteTally* t) {
  path->xyz.clear();
  path->escaped = false;
  Photon p;
  t->specular += Launch(beam, o, &p, rng);
  path->weight = p.w;
  Push(path, p);
  double s_left = -std::log(rng->UniformOpen());
  int64_t interactions = 0;
  const auto cap = static_cast<int64_t>(o.max_path_mfp);
  while (true) {
    const Layer& l = g.layers[p.layer];
    const double mus = l.mus_per_mm;
    const double db = DistanceToBoundary(g, p);
    const double s = mus > 0 ? s_left / mus : kInfinite;
    if (s >= db) {
      p.x += db * p.ux;
      p.y += db * p.uy;
      p.z += db * p.uz;
      if (mus > 0) s_left -= db * mus;
      const bool at_surface = (p.uz < 0 && p.layer == 0);
      const Boundary b = CrossBoundary(g, o, &p, rng);
      if (at_surface) Push(path, p);
      if (b == Boundary::kEscapedTop) {
        path->escaped = true;
        ++t->escaped;
        return;
      }
      if (b == Boundary::kEscapedBottom) {
        Push(path, p);
        return;
      }
      continue;
    }
    p.x += s * p.ux;
    p.y += s * p.uy;
    p.z += s * p.uz;
    Push(path, p);
    Scatter(&p, l.g, rng);
    s_left = -std::log(rng->UniformOpen());
    if (++interactions >= cap) {
      ++t->capped;
      return;
    }
  }
}

}  // namespace

WhiteStats RunWhite(const std::vector<Layer>& layers, const Beam& beam, const Options& options,
                    const std::function<std::unique_ptr<WhiteConsumer>()>& make,
                    std::unique_ptr<WhiteConsumer>* merged) {
  ValidateSetup(layers, std::nullopt);
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("Monte Carlo options: " + why);
  const Geometry g = MakeGeometry(layers);
  std::vector<std::unique_ptr<WhiteConsumer>> consumers(kStreams);
  for (auto& c : consumers) c = make();
  std::vector<WhiteTally> tallies(kStreams);
  const int64_t chunks = ChunkCount(options.photons);
  ForEachChunk(options, [&](int s) {
    WhitePath path;
    for (int64_t c = s; c < chunks; c += kStreams) {
      Xoshiro rng(options.seed, static_cast<uint64_t>(c));
      const int64_t n = ChunkSize(options.photons, c);
      for (int64_t i = 0; i < n; ++i) {
        TraceWhite(g, beam, options, &rng, &path, &tallies[s]);
        tallies[s].vertices += path.vertices();
        consumers[s]->Consume(path);
      }
    }
  });
  WhiteStats stats;
  stats.photons = options.photons;
  for (int s = 0; s < kStreams; ++s) {
    if (s > 0) consumers[0]->Merge(*consumers[s]);
    stats.escaped += tallies[s].escaped;
    stats.capped += tallies[s].capped;
    stats.specular_reflectance += tallies[s].specular;
    stats.mean_vertices += static_cast<double>(tallies[s].vertices);
  }
  stats.specular_reflectance /= static_cast<double>(options.photons);
  stats.mean_vertices /= static_cast<double>(options.photons);
  *merged = std::move(consumers[0]);
  return stats;
}

void PathLengthsAbove(const WhitePath& path, double z_split, double* above, double* below) {
  double a = 0, b = 0;
  const double* v = path.xyz.data();
  const int n = path.vertices();
  for (int i = 0; i + 1 < n; ++i, v += 3) {
    const double dx = v[3] - v[0], dy = v[4] - v[1], dz = v[5] - v[2];
    const double len = std::sqrt(dx * dx + dy * dy + dz * dz);
    SplitSegment(v[2], v[5], len, z_split, &a, &b);
  }
  *above = a;
  *below = b;
}

}  // namespace shadecast::optics::mc
