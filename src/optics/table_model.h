#pragma once
// The smooth interpolant of the Monte Carlo tables (optics/mc_tables.h), templated on the scalar so
// Ceres can differentiate through it. Internal header: include from optics .cpp files and autodiff
// cost functions only.
//
// Along every axis a cubic Hermite (Catmull-Rom slopes on the non-uniform nodes, C1) in a transformed
// coordinate: log(mus), sqrt(mua_e), sqrt(mua_d), depth, diameter. The bare skin's reflectance is
// interpolated as log R; the crossing-class shares as values (they are fractions, 0-1). Outside the
// tabulated range the coordinate is clamped to the end node (TableModel::InRange says when).
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <vector>

#include <ceres/jet.h>

#include "optics/mc_tables.h"

namespace shadecast::optics {

namespace table_detail {

template <typename T>
struct IsJet : std::false_type {};
template <typename S, int N>
struct IsJet<ceres::Jet<S, N>> : std::true_type {};

inline double Value(double x) { return x; }
template <typename J>
double Value(const J& x) {
  return x.a;
}

// Up to 4 nodes and their weights for a coordinate x on increasing nodes t.
template <typename T>
struct Stencil {
  int first = 0;
  int count = 0;
  std::array<T, 4> w{};
};

template <typename T>
Stencil<T> Cubic(const std::vector<double>& t, T x) {
  const int n = static_cast<int>(t.size());
  Stencil<T> s;
  if (Value(x) <= t.front()) x = T(t.front());
  if (Value(x) >= t.back()) x = T(t.back());
  int i = static_cast<int>(std::upper_bound(t.begin(), t.end(), Value(x)) - t.begin()) - 1;
  i = std::clamp(i, 0, n - 2);
  const double h = t[i + 1] - t[i];
  const T u = (x - T(t[i])) / T(h);
  const T u2 = u * u, u3 = u2 * u;
  const T h00 = T(2.0) * u3 - T(3.0) * u2 + T(1.0);
  const T h10 = u3 - T(2.0) * u2 + u;
  const T h01 = T(-2.0) * u3 + T(3.0) * u2;
  const T h11 = u3 - u2;
  // Weights on y[i-1], y[i], y[i+1], y[i+2]; slopes m_i = (y[i+1] - y[i-1]) / (t[i+1] - t[i-1]),
  // one-sided at the ends.
  std::array<T, 4> w{T(0.0), h00, h01, T(0.0)};
  if (i > 0) {
    const double d = t[i + 1] - t[i - 1];
    w[0] = w[0] - T(h / d) * h10;
    w[2] = w[2] + T(h / d) * h10;
  } else {
    w[1] = w[1] - h10;
    w[2] = w[2] + h10;
  }
  if (i + 2 < n) {
    const double d = t[i + 2] - t[i];
    w[1] = w[1] - T(h / d) * h11;
    w[3] = w[3] + T(h / d) * h11;
  } else {
    w[1] = w[1] - h11;
    w[2] = w[2] + h11;
  }
  s.first = i - 1;
  s.count = 4;
  s.w = w;
  return s;
}

}  // namespace table_detail

class TableModel {
 public:
  // Borrows `t`, which must outlive the model.
  explicit TableModel(const McTables& t) : t_(t) {
    for (double v : t.axes.mus_per_mm) log_mus_.push_back(std::log(v));
    for (double v : t.axes.mua_epidermis_per_mm) sqrt_e_.push_back(std::sqrt(v));
    for (double v : t.axes.mua_dermis_per_mm) sqrt_d_.push_back(std::sqrt(v));
    for (size_t i = 0; i < t.axes.mua_epidermis_per_mm.size(); i += 2) sqrt_e2_.push_back(std::sqrt(t.axes.mua_epidermis_per_mm[i]));
    for (size_t i = 0; i < t.axes.mua_dermis_per_mm.size(); i += 2) sqrt_d2_.push_back(std::sqrt(t.axes.mua_dermis_per_mm[i]));
    for (size_t i = 0; i < t.axes.mus_per_mm.size(); i += 2) log_mus2_.push_back(std::log(t.axes.mus_per_mm[i]));
    for (size_t i = 0; i < t.axes.depth_mm.size(); i += 2) depth2_.push_back(t.axes.depth_mm[i]);
    for (size_t i = 0; i < t.axes.diameter_mm.size(); i += 2) diameter2_.push_back(t.axes.diameter_mm[i]);
    log_skin_.resize(t.skin.size());
    for (size_t i = 0; i < t.skin.size(); ++i) log_skin_[i] = std::log(std::max(1e-30, static_cast<double>(t.skin[i])));
  }
  // The model of the shipped tables.
  static const TableModel& Shipped();

  const McTables& tables() const { return t_; }
  bool has_profile() const { return !t_.profile_share.empty(); }
  // Largest tabulated distance from the dot's centre, in dot radii (beyond it: the bare skin).
  double profile_extent_rel() const { return has_profile() ? t_.axes.profile_rho_rel.back() : 0.0; }
  int bins() const { return t_.axes.crossing_bins; }
  double epidermis_mm() const { return t_.epidermis_mm; }
  double g() const { return t_.g; }

  // True when every input lies inside the tabulated range (with a 0.1 % margin).
  bool InRange(double mus, double mua_e, double mua_d) const {
    const auto& a = t_.axes;
    return mus >= a.mus_per_mm.front() * 0.999 && mus <= a.mus_per_mm.back() * 1.001 &&
           mua_e <= a.mua_epidermis_per_mm.back() * 1.001 && mua_d <= a.mua_dermis_per_mm.back() * 1.001 &&
           mua_e >= 0 && mua_d >= 0;
  }

  // Diffuse reflectance of bare skin (camera side: specular excluded).
  template <typename T>
  T Skin(const T& mus, const T& mua_e, const T& mua_d) const {
    if constexpr (std::is_same_v<T, double>) {
      return std::exp(LogSkin(mus, mua_e, mua_d, nullptr));
    } else if constexpr (table_detail::IsJet<T>::value) {
      return SkinJet(mus, mua_e, mua_d);
    }
    return SkinGeneric(mus, mua_e, mua_d);
  }

  // The generic interpolant (any scalar; the reference of the fast paths above, tests/optics).
  template <typename T>
  T SkinGeneric(const T& mus, const T& mua_e, const T& mua_d) const {
    using std::exp;
    using std::log;
    using std::sqrt;
    const auto ss = table_detail::Cubic(log_mus_, log(mus));
    const auto se = table_detail::Cubic(sqrt_e_, sqrt(mua_e + T(1e-12)));
    const auto sd = table_detail::Cubic(sqrt_d_, sqrt(mua_d + T(1e-12)));
    T acc(0.0);
    for (int a = 0; a < 4; ++a) {
      const int s = Clamp(ss.first + a, log_mus_.size());
      for (int b = 0; b < 4; ++b) {
        const int e = Clamp(se.first + b, sqrt_e_.size());
        const T wab = ss.w[a] * se.w[b];
        for (int c = 0; c < 4; ++c) {
          const int d = Clamp(sd.first + c, sqrt_d_.size());
          acc += wab * sd.w[c] * T(log_skin_[t_.SkinIndex(s, e, d)]);
        }
      }
    }
    return exp(acc);
  }

  // log Skin() at plain doubles, and (grad non-null) its gradient in the interpolation coordinates
  // (log mus, sqrt mua_e, sqrt mua_d); a coordinate clamped to the end node has zero slope.
  double LogSkin(double mus, double mua_e, double mua_d, double* grad) const {
    table_detail::Stencil<double> w[3], dw[3];
    const double x[3] = {std::log(mus), std::sqrt(mua_e + 1e-12), std::sqrt(mua_d + 1e-12)};
    const std::vector<double>* nodes[3] = {&log_mus_, &sqrt_e_, &sqrt_d_};
    for (int k = 0; k < 3; ++k) {
      if (grad) {
        // The weights and their slopes from one pass of the stencil on a one-component Jet.
        const auto j = table_detail::Cubic(*nodes[k], ceres::Jet<double, 1>(x[k], 0));
        w[k].first = dw[k].first = j.first;
        for (int i = 0; i < 4; ++i) {
          w[k].w[i] = j.w[i].a;
          dw[k].w[i] = j.w[i].v[0];
        }
      } else {
        w[k] = table_detail::Cubic(*nodes[k], x[k]);
      }
    }
    const size_t ne = sqrt_e_.size(), nd = sqrt_d_.size();
    double acc = 0, gs = 0, ge = 0, gd = 0;
    for (int a = 0; a < 4; ++a) {
      const size_t s = static_cast<size_t>(Clamp(w[0].first + a, log_mus_.size()));
      for (int b = 0; b < 4; ++b) {
        const size_t e = static_cast<size_t>(Clamp(w[1].first + b, ne));
        const double* row = &log_skin_[(s * ne + e) * nd];
        const double wab = w[0].w[a] * w[1].w[b];
        const double dab_s = grad ? dw[0].w[a] * w[1].w[b] : 0, dab_e = grad ? w[0].w[a] * dw[1].w[b] : 0;
        for (int c = 0; c < 4; ++c) {
          const double y = row[Clamp(w[2].first + c, nd)];
          acc += wab * w[2].w[c] * y;
          if (grad) {
            gs += dab_s * w[2].w[c] * y;
            ge += dab_e * w[2].w[c] * y;
            gd += wab * dw[2].w[c] * y;
          }
        }
      }
    }
    if (grad) {
      grad[0] = gs;
      grad[1] = ge;
      grad[2] = gd;
    }
    return acc;
  }

  // Skin() on Ceres Jets: the value and its three partials in doubles, chained to the Jet's
  // derivatives once (the skin inversion's hot spot; equal to SkinGeneric up to rounding).
  template <typename J>
  J SkinJet(const J& mus, const J& mua_e, const J& mua_d) const {
    using std::log;
    using std::sqrt;
    double g[3];
    const double r = std::exp(LogSkin(mus.a, mua_e.a, mua_d.a, g));
    const J xs = log(mus), xe = sqrt(mua_e + 1e-12), xd = sqrt(mua_d + 1e-12);
    J out(r);
    out.v = r * (g[0] * xs.v + g[1] * xe.v + g[2] * xd.v);
    return out;
  }

  // Dot-centre crossing classes h[0..bins]: the skin's remitted light split by how many times its
  // path crossed the disc (h[bins] lumps n >= bins). sum h = Skin(). R_dot = sum_n h[n] s^n for a
  // per-crossing survival s.
  template <typename T>
  void Classes(const T& mus, const T& mua_e, const T& mua_d, const T& depth_mm, const T& diameter_mm, T* h) const {
    using std::log;
    using std::sqrt;
    if constexpr (std::is_same_v<T, double>) {
      if (bins() <= kMaxFastBins) {
        ClassesDouble(mus, mua_e, mua_d, depth_mm, diameter_mm, h);
        return;
      }
    }
    const int nb = bins();
    const auto ss = table_detail::Cubic(log_mus_, log(mus));
    const auto se = table_detail::Cubic(sqrt_e_, sqrt(mua_e + T(1e-12)));
    const auto sd = table_detail::Cubic(sqrt_d_, sqrt(mua_d + T(1e-12)));
    const auto sz = table_detail::Cubic(t_.axes.depth_mm, depth_mm);
    const auto sD = table_detail::Cubic(t_.axes.diameter_mm, diameter_mm);
    for (int n = 0; n < nb; ++n) h[n + 1] = T(0.0);
    for (int a = 0; a < 4; ++a) {
      const int s = Clamp(ss.first + a, log_mus_.size());
      for (int zi = 0; zi < 4; ++zi) {
        const int z = Clamp(sz.first + zi, t_.axes.depth_mm.size());
        for (int Di = 0; Di < 4; ++Di) {
          const int D = Clamp(sD.first + Di, t_.axes.diameter_mm.size());
          const T wsz = ss.w[a] * sz.w[zi] * sD.w[Di];
          for (int b = 0; b < 4; ++b) {
            const int e = Clamp(se.first + b, sqrt_e_.size());
            for (int c = 0; c < 4; ++c) {
              const int d = Clamp(sd.first + c, sqrt_d_.size());
              const T w = wsz * se.w[b] * sd.w[c];
              const float* share = &t_.share[t_.ShareIndex(s, z, D, 0, e, d)];
              const size_t stride = t_.axes.mua_epidermis_per_mm.size() * t_.axes.mua_dermis_per_mm.size();
              for (int n = 0; n < nb; ++n) h[n + 1] += w * T(share[n * stride]);
            }
          }
        }
      }
    }
    const T skin = Skin(mus, mua_e, mua_d);
    T total(0.0);
    for (int n = 1; n <= nb; ++n) {
      if (h[n] < T(0.0)) h[n] = T(0.0);
      total += h[n];
    }
    if (total > T(1.0)) {
      for (int n = 1; n <= nb; ++n) h[n] /= total;
      total = T(1.0);
    }
    h[0] = skin * (T(1.0) - total);
    for (int n = 1; n <= nb; ++n) h[n] *= skin;
  }

  // Classes() for plain doubles (DotModel's precompute, the fade fits' hot spot): the same sum with
  // the index arithmetic hoisted, the (mua_e, mua_d) weights paired once, and stencil nodes of zero
  // weight (a coordinate on a node) skipped. Equal to the generic path up to rounding.
  static constexpr int kMaxFastBins = 64;
  void ClassesDouble(double mus, double mua_e, double mua_d, double depth_mm, double diameter_mm, double* h) const {
    const int nb = bins();
    const auto ss = table_detail::Cubic(log_mus_, std::log(mus));
    const auto se = table_detail::Cubic(sqrt_e_, std::sqrt(mua_e + 1e-12));
    const auto sd = table_detail::Cubic(sqrt_d_, std::sqrt(mua_d + 1e-12));
    const auto sz = table_detail::Cubic(t_.axes.depth_mm, depth_mm);
    const auto sD = table_detail::Cubic(t_.axes.diameter_mm, diameter_mm);
    const size_t ne = t_.axes.mua_epidermis_per_mm.size(), nd = t_.axes.mua_dermis_per_mm.size();
    const size_t nz = t_.axes.depth_mm.size(), nD = t_.axes.diameter_mm.size();
    const size_t stride = ne * nd;
    double w_ed[16];
    size_t off_ed[16];
    int k_ed = 0;
    for (int b = 0; b < 4; ++b)
      for (int c = 0; c < 4; ++c) {
        const double w = se.w[b] * sd.w[c];
        if (w == 0.0) continue;
        w_ed[k_ed] = w;
        off_ed[k_ed++] = static_cast<size_t>(Clamp(se.first + b, ne)) * nd + static_cast<size_t>(Clamp(sd.first + c, nd));
      }
    double acc[kMaxFastBins] = {};
    const float* share = t_.share.data();
    for (int a = 0; a < 4; ++a) {
      if (ss.w[a] == 0.0) continue;
      const size_t s = static_cast<size_t>(Clamp(ss.first + a, log_mus_.size()));
      for (int zi = 0; zi < 4; ++zi) {
        if (sz.w[zi] == 0.0) continue;
        const size_t z = static_cast<size_t>(Clamp(sz.first + zi, nz));
        for (int Di = 0; Di < 4; ++Di) {
          const double wsz = ss.w[a] * sz.w[zi] * sD.w[Di];
          if (wsz == 0.0) continue;
          const size_t D = static_cast<size_t>(Clamp(sD.first + Di, nD));
          const float* base = share + ((s * nz + z) * nD + D) * static_cast<size_t>(nb) * stride;
          for (int n = 0; n < nb; ++n) {
            const float* p = base + static_cast<size_t>(n) * stride;
            double sum = 0;
            for (int k = 0; k < k_ed; ++k) sum += w_ed[k] * static_cast<double>(p[off_ed[k]]);
            acc[n] += wsz * sum;
          }
        }
      }
    }
    for (int n = 1; n <= nb; ++n) h[n] = acc[n - 1];
    FinishClasses(Skin(mus, mua_e, mua_d), h);
  }

  // Shares h[1..bins] (clipped at 0, renormalised when above 1) to classes of the skin's reflectance.
  void FinishClasses(double skin, double* h) const {
    const int nb = bins();
    double total = 0;
    for (int n = 1; n <= nb; ++n) {
      h[n] = std::max(h[n], 0.0);
      total += h[n];
    }
    if (total > 1.0) {
      for (int n = 1; n <= nb; ++n) h[n] /= total;
      total = 1.0;
    }
    h[0] = skin * (1.0 - total);
    for (int n = 1; n <= nb; ++n) h[n] *= skin;
  }

  // The crossing-class shares with depth and diameter interpolated out, [mus][n][mua_e][mua_d]: for
  // many skins at one depth and dot size (a client's visits), then ClassesAt() per band costs a
  // sixteenth of Classes().
  std::vector<double> SharesAt(double depth_mm, double diameter_mm) const {
    const size_t nb = static_cast<size_t>(bins());
    const size_t ne = t_.axes.mua_epidermis_per_mm.size(), nd = t_.axes.mua_dermis_per_mm.size();
    const size_t nz = t_.axes.depth_mm.size(), nD = t_.axes.diameter_mm.size(), ns = log_mus_.size();
    const size_t block = nb * ne * nd;
    const auto sz = table_detail::Cubic(t_.axes.depth_mm, depth_mm);
    const auto sD = table_detail::Cubic(t_.axes.diameter_mm, diameter_mm);
    std::vector<double> out(ns * block, 0.0);
    for (size_t s = 0; s < ns; ++s)
      for (int zi = 0; zi < 4; ++zi)
        for (int Di = 0; Di < 4; ++Di) {
          const double w = sz.w[zi] * sD.w[Di];
          if (w == 0.0) continue;
          const size_t z = static_cast<size_t>(Clamp(sz.first + zi, nz));
          const size_t D = static_cast<size_t>(Clamp(sD.first + Di, nD));
          const float* src = t_.share.data() + ((s * nz + z) * nD + D) * block;
          double* dst = out.data() + s * block;
          for (size_t i = 0; i < block; ++i) dst[i] += w * static_cast<double>(src[i]);
        }
    return out;
  }

  // Classes() from SharesAt(depth, diameter) of the same depth and diameter.
  void ClassesAt(const std::vector<double>& shares_at, double mus, double mua_e, double mua_d, double* h) const {
    const int nb = bins();
    const size_t ne = t_.axes.mua_epidermis_per_mm.size(), nd = t_.axes.mua_dermis_per_mm.size();
    const size_t stride = ne * nd;
    const auto ss = table_detail::Cubic(log_mus_, std::log(mus));
    const auto se = table_detail::Cubic(sqrt_e_, std::sqrt(mua_e + 1e-12));
    const auto sd = table_detail::Cubic(sqrt_d_, std::sqrt(mua_d + 1e-12));
    for (int n = 1; n <= nb; ++n) h[n] = 0.0;
    for (int a = 0; a < 4; ++a) {
      if (ss.w[a] == 0.0) continue;
      const double* base = shares_at.data() + static_cast<size_t>(Clamp(ss.first + a, log_mus_.size())) * nb * stride;
      for (int b = 0; b < 4; ++b) {
        const double wab = ss.w[a] * se.w[b];
        if (wab == 0.0) continue;
        const double* row = base + static_cast<size_t>(Clamp(se.first + b, ne)) * nd;
        for (int c = 0; c < 4; ++c) {
          const double w = wab * sd.w[c];
          if (w == 0.0) continue;
          const double* p = row + Clamp(sd.first + c, nd);
          for (int n = 0; n < nb; ++n) h[n + 1] += w * p[static_cast<size_t>(n) * stride];
        }
      }
    }
    FinishClasses(Skin(mus, mua_e, mua_d), h);
  }

  // The crossing classes seen at rho_rel dot radii from the centre (the radial profile; double only).
  // Requires has_profile(); beyond profile_extent_rel() the classes are the bare skin's (h[0] = skin).
  void ProfileClasses(double mus, double mua_e, double mua_d, double depth_mm, double diameter_mm, double rho_rel,
                      double* h) const {
    using std::log;
    using std::sqrt;
    const int nb = bins();
    for (int n = 0; n <= nb; ++n) h[n] = 0.0;
    const double skin = Skin(mus, mua_e, mua_d);
    if (!has_profile() || rho_rel > profile_extent_rel()) {
      h[0] = skin;
      return;
    }
    const auto& a = t_.axes;
    const auto ss = table_detail::Cubic(log_mus2_, log(mus));
    const auto se = table_detail::Cubic(sqrt_e2_, sqrt(mua_e + 1e-12));
    const auto sd = table_detail::Cubic(sqrt_d2_, sqrt(mua_d + 1e-12));
    const auto sz = table_detail::Cubic(depth2_, depth_mm);
    const auto sD = table_detail::Cubic(diameter2_, diameter_mm);
    const auto sr = table_detail::Cubic(a.profile_rho_rel, rho_rel);
    const size_t stride = t_.ProfileEpidermisNodes() * t_.ProfileDermisNodes();
    for (int i0 = 0; i0 < 4; ++i0) {
      const int s = Clamp(ss.first + i0, log_mus2_.size());
      for (int i1 = 0; i1 < 4; ++i1) {
        const int z = Clamp(sz.first + i1, depth2_.size());
        for (int i2 = 0; i2 < 4; ++i2) {
          const int D = Clamp(sD.first + i2, diameter2_.size());
          for (int i3 = 0; i3 < 4; ++i3) {
            const int r = Clamp(sr.first + i3, a.profile_rho_rel.size());
            const double w0 = ss.w[i0] * sz.w[i1] * sD.w[i2] * sr.w[i3];
            if (w0 == 0.0) continue;
            for (int i4 = 0; i4 < 4; ++i4) {
              const int e = Clamp(se.first + i4, sqrt_e2_.size());
              for (int i5 = 0; i5 < 4; ++i5) {
                const int d = Clamp(sd.first + i5, sqrt_d2_.size());
                const double w = w0 * se.w[i4] * sd.w[i5];
                const float* share = &t_.profile_share[t_.ProfileIndex(s, z, D, r, 0, e, d)];
                for (int n = 0; n < nb; ++n) h[n + 1] += w * share[n * stride];
              }
            }
          }
        }
      }
    }
    double total = 0;
    for (int n = 1; n <= nb; ++n) {
      h[n] = std::max(0.0, h[n]);
      total += h[n];
    }
    if (total > 1.0)
      for (int n = 1; n <= nb; ++n) h[n] /= total;
    total = std::min(total, 1.0);
    h[0] = skin * (1.0 - total);
    for (int n = 1; n <= nb; ++n) h[n] *= skin;
  }

 private:
  static int Clamp(int i, size_t n) { return std::clamp(i, 0, static_cast<int>(n) - 1); }

  const McTables& t_;
  std::vector<double> log_mus_, sqrt_e_, sqrt_d_, log_skin_;
  // The profile's nodes: every other node of each axis.
  std::vector<double> log_mus2_, sqrt_e2_, sqrt_d2_, depth2_, diameter2_;
};

}  // namespace shadecast::optics
