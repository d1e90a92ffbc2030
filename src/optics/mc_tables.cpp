#include "optics/mc_tables.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "optics/mc.h"
#include "shadecast/optics.pb.h"

namespace shadecast::optics {
namespace {

// Nodes uniform in sqrt(x) from 0 to max (absorption: log R is near linear in sqrt(mua) for the
// diffusing dermis and near quadratic in it for the thin epidermis; both suit a cubic there).
std::vector<double> SqrtNodes(double max, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    const double s = std::sqrt(max) * i / (n - 1);
    v.push_back(s * s);
  }
  return v;
}

std::vector<double> LogNodes(double lo, double hi, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1)));
  return v;
}

// Accumulates the reweighted white paths at every node.
class TableConsumer : public mc::WhiteConsumer {
 public:
  TableConsumer(const TabulateOptions& o) : o_(o), a_(o.axes) {
    ns_ = a_.mus_per_mm.size();
    ne_ = a_.mua_epidermis_per_mm.size();
    nd_ = a_.mua_dermis_per_mm.size();
    nz_ = a_.depth_mm.size();
    nD_ = a_.diameter_mm.size();
    nb_ = static_cast<size_t>(a_.crossing_bins);
    skin_.assign(ns_ * ne_ * nd_, 0.0);
    skin2_.assign(skin_.size(), 0.0);
    dark_.assign(ns_ * nz_ * nD_ * nb_ * ne_ * nd_, 0.0);
    hist_.assign(nz_ * nD_, 0);
    A_.resize(ne_);
    B_.resize(nd_);
    nr_ = a_.profile_rho_rel.size();
    ne2_ = (ne_ + 1) / 2;
    nd2_ = (nd_ + 1) / 2;
    profile_.assign(McTables::Half(ns_) * McTables::Half(nz_) * McTables::Half(nD_) * nr_ * nb_ * ne2_ * nd2_, 0.0);
    cross_.resize(nz_);
    A2_.resize(ne2_);
    B2_.resize(nd2_);
  }

  void Consume(const mc::WhitePath& path) override {
    ++photons_;
    if (!path.escaped) return;
    // The direction from the dot's centre to a profile observation point: golden-angle sequence.
    const double phi = 2.39996322972865332 * static_cast<double>(photons_);
    ux_ = std::cos(phi);
    uy_ = std::sin(phi);
    for (size_t s = 0; s < ns_; ++s) ConsumeAt(path, s);
  }

  void Merge(const mc::WhiteConsumer& other) override {
    const auto& o = static_cast<const TableConsumer&>(other);
    for (size_t i = 0; i < skin_.size(); ++i) {
      skin_[i] += o.skin_[i];
      skin2_[i] += o.skin2_[i];
    }
    for (size_t i = 0; i < dark_.size(); ++i) dark_[i] += o.dark_[i];
    for (size_t i = 0; i < profile_.size(); ++i) profile_[i] += o.profile_[i];
  }

  const std::vector<double>& skin() const { return skin_; }
  const std::vector<double>& skin2() const { return skin2_; }
  const std::vector<double>& dark() const { return dark_; }
  const std::vector<double>& profile() const { return profile_; }

 private:
  // The path (in scattering lengths of the run, mus = 1) scaled to the node's mus.
  void ConsumeAt(const mc::WhitePath& path, size_t s) {
    const double mus = a_.mus_per_mm[s];
    const double te = o_.epidermis_mm * mus;
    double planes[16], radii2[16];
    for (size_t k = 0; k < nz_; ++k) planes[k] = a_.depth_mm[k] * mus;
    for (size_t m = 0; m < nD_; ++m) radii2[m] = std::pow(0.5 * a_.diameter_mm[m] * mus, 2);
    const double deepest = std::max(te, planes[nz_ - 1]);
    std::fill(hist_.begin(), hist_.end(), 0);
    for (auto& c : cross_) c.clear();
    const int nv = path.vertices();
    const double xe = path.xyz[3 * (nv - 1)], ye = path.xyz[3 * (nv - 1) + 1];
    double above = 0, below = 0;
    const double* v = path.xyz.data();
    for (int i = 0; i + 1 < nv; ++i, v += 3) {
      const double z0 = v[2], z1 = v[5];
      const double dx = v[3] - v[0], dy = v[4] - v[1], dz = z1 - z0;
      const double len = std::sqrt(dx * dx + dy * dy + dz * dz);
      if (z0 > deepest && z1 > deepest) {
        below += len;
        continue;
      }
      mc::SplitSegment(z0, z1, len, te, &above, &below);
      for (size_t k = 0; k < nz_; ++k) {
        if ((z0 - planes[k]) * (z1 - planes[k]) >= 0) continue;
        const double t = (planes[k] - z0) / dz;
        const double rx = v[0] + t * dx - xe, ry = v[1] + t * dy - ye;
        const double r2 = rx * rx + ry * ry;
        if (nr_ > 0) {
          cross_[k].push_back(rx);
          cross_[k].push_back(ry);
        }
        for (size_t m = 0; m < nD_; ++m) {
          if (r2 < radii2[m]) {
            ++hist_[k * nD_ + m];
            break;
          }
        }
      }
    }
    for (size_t e = 0; e < ne_; ++e) A_[e] = std::exp(-a_.mua_epidermis_per_mm[e] * above / mus);
    for (size_t d = 0; d < nd_; ++d) B_[d] = path.weight * std::exp(-a_.mua_dermis_per_mm[d] * below / mus);
    Outer(&skin_[s * ne_ * nd_], &skin2_[s * ne_ * nd_]);
    for (size_t k = 0; k < nz_; ++k) {
      int n = 0;
      for (size_t m = 0; m < nD_; ++m) {
        n += hist_[k * nD_ + m];
        if (n == 0) continue;
        const size_t bin = std::min<size_t>(static_cast<size_t>(n), nb_) - 1;
        Outer(&dark_[((((s * nz_ + k) * nD_ + m) * nb_ + bin) * ne_) * nd_], nullptr);
      }
    }
    if (nr_ > 0 && s % 2 == 0) Profile(s / 2, radii2);
  }

  // The radial profile: crossings inside the disc seen from points rho_rel x R off its centre.
  void Profile(size_t s2, const double* radii2) {
    for (size_t e = 0; e < ne2_; ++e) A2_[e] = A_[2 * e];
    for (size_t d = 0; d < nd2_; ++d) B2_[d] = B_[2 * d];
    const size_t nz2 = McTables::Half(nz_), nD2 = McTables::Half(nD_);
    for (size_t k2 = 0; k2 < nz2; ++k2) {
      const std::vector<double>& c = cross_[2 * k2];
      if (c.empty()) continue;
      for (size_t m2 = 0; m2 < nD2; ++m2) {
        const size_t m = 2 * m2;
        const double r = std::sqrt(radii2[m]);
        for (size_t j = 0; j < nr_; ++j) {
          const double ox = a_.profile_rho_rel[j] * r * ux_, oy = a_.profile_rho_rel[j] * r * uy_;
          int n = 0;
          for (size_t q = 0; q < c.size(); q += 2) {
            const double qx = c[q] + ox, qy = c[q + 1] + oy;
            if (qx * qx + qy * qy < radii2[m]) ++n;
          }
          if (n == 0) continue;
          const size_t bin = std::min<size_t>(static_cast<size_t>(n), nb_) - 1;
          double* out = &profile_[(((((s2 * nz2 + k2) * nD2 + m2) * nr_ + j) * nb_ + bin) * ne2_) * nd2_];
          for (size_t e = 0; e < ne2_; ++e)
            for (size_t d = 0; d < nd2_; ++d) out[e * nd2_ + d] += A2_[e] * B2_[d];
        }
      }
    }
  }

  void Outer(double* out, double* out2) const {
    for (size_t e = 0; e < ne_; ++e) {
      const double a = A_[e];
      double* row = out + e * nd_;
      for (size_t d = 0; d < nd_; ++d) row[d] += a * B_[d];
      if (out2) {
        double* row2 = out2 + e * nd_;
        for (size_t d = 0; d < nd_; ++d) row2[d] += (a * B_[d]) * (a * B_[d]);
      }
    }
  }

  const TabulateOptions& o_;
  const TableAxes& a_;
  size_t ns_, ne_, nd_, nz_, nD_, nb_;
  std::vector<double> skin_, skin2_, dark_;
  std::vector<int> hist_;
  std::vector<double> A_, B_;
  size_t nr_ = 0, ne2_ = 0, nd2_ = 0;
  std::vector<double> profile_, A2_, B2_;
  std::vector<std::vector<double>> cross_;  // per depth plane: crossing x, y relative to the exit
  int64_t photons_ = 0;
  double ux_ = 1, uy_ = 0;
};

void CheckAxis(const std::vector<double>& v, const char* name, double lo, std::string* why, bool* ok) {
  if (!*ok) return;
  if (v.size() < 2 || v.size() > 16) {
    *why = std::string(name) + ": needs 2 to 16 nodes";
    *ok = false;
    return;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!(std::isfinite(v[i]) && v[i] >= lo) || (i > 0 && !(v[i] > v[i - 1]))) {
      *why = std::string(name) + ": nodes must be finite, >= " + std::to_string(lo) + " and increasing";
      *ok = false;
      return;
    }
  }
}

}  // namespace

TableAxes TableAxes::Default() {
  TableAxes a;
  // mus = mus' / (1 - g): textbook mus' (Jacques 2013, 4.6 /mm (lambda/500)^-1.42) at 380-730 nm is
  // 6.8-2.7 /mm, times 0.5-2 (person to person), over 1 - g = 0.2: 6.7-68 /mm.
  a.mus_per_mm = LogNodes(6.0, 76.0, 12);
  // Epidermis: melanin 0.01-0.45 of eumelanin's 19 (730 nm) - 170 (380 nm) /mm, and the baseline.
  a.mua_epidermis_per_mm = SqrtNodes(100.0, 15);
  // Dermis: blood 0.002-0.05 of whole blood (up to ~270 /mm in the Soret band) and the baseline.
  a.mua_dermis_per_mm = SqrtNodes(20.0, 13);
  a.depth_mm = {0.04, 0.06, 0.08, 0.10, 0.13, 0.16, 0.20, 0.25, 0.32};
  a.diameter_mm = {0.15, 0.20, 0.30, 0.40, 0.50, 0.65, 0.80, 1.00, 1.30};
  a.crossing_bins = 12;
  a.profile_rho_rel = {0.0, 0.5, 0.8, 1.0, 1.25, 1.6, 2.2, 3.0};
  return a;
}

bool TabulateOptions::IsValid(std::string* why) const {
  std::string w;
  bool ok = true;
  CheckAxis(axes.mus_per_mm, "mus_per_mm", 1e-3, &w, &ok);
  CheckAxis(axes.mua_epidermis_per_mm, "mua_epidermis_per_mm", 0, &w, &ok);
  CheckAxis(axes.mua_dermis_per_mm, "mua_dermis_per_mm", 0, &w, &ok);
  CheckAxis(axes.depth_mm, "depth_mm", 1e-3, &w, &ok);
  CheckAxis(axes.diameter_mm, "diameter_mm", 1e-3, &w, &ok);
  if (!axes.profile_rho_rel.empty()) CheckAxis(axes.profile_rho_rel, "profile_rho_rel", 0, &w, &ok);
  if (ok && (axes.crossing_bins < 1 || axes.crossing_bins > 64)) ok = false, w = "crossing_bins must be in [1, 64]";
  if (ok && !(epidermis_mm > 0 && epidermis_mm < 1)) ok = false, w = "epidermis_mm must be in (0, 1)";
  if (ok && !(g > -1 && g < 1)) ok = false, w = "g must be in (-1, 1)";
  if (ok && !(n_tissue >= 1 && n_tissue < 3)) ok = false, w = "n_tissue must be in [1, 3)";
  if (ok && photons < 1000) ok = false, w = "photons must be at least 1000";
  if (why) *why = ok ? "" : w;
  return ok;
}

size_t McTables::SkinIndex(size_t s, size_t e, size_t d) const {
  return (s * axes.mua_epidermis_per_mm.size() + e) * axes.mua_dermis_per_mm.size() + d;
}

size_t McTables::ProfileIndex(size_t s, size_t z, size_t D, size_t r, size_t n, size_t e2, size_t d2) const {
  const size_t nz = Half(axes.depth_mm.size()), nD = Half(axes.diameter_mm.size());
  const size_t nb = static_cast<size_t>(axes.crossing_bins), nr = axes.profile_rho_rel.size();
  return (((((s * nz + z) * nD + D) * nr + r) * nb + n) * ProfileEpidermisNodes() + e2) * ProfileDermisNodes() + d2;
}

size_t McTables::ShareIndex(size_t s, size_t z, size_t D, size_t n, size_t e, size_t d) const {
  const size_t nz = axes.depth_mm.size(), nD = axes.diameter_mm.size(), nb = static_cast<size_t>(axes.crossing_bins);
  return ((((s * nz + z) * nD + D) * nb + n) * axes.mua_epidermis_per_mm.size() + e) * axes.mua_dermis_per_mm.size() + d;
}

McTables Tabulate(const TabulateOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("optics tabulate: " + why);
  const auto start = std::chrono::steady_clock::now();
  mc::Options mo;
  mo.photons = options.photons;
  mo.seed = options.seed;
  mo.threads = options.threads;
  mo.n_tissue = options.n_tissue;
  mo.max_path_mfp = options.max_path_mfp;
  mo.progress = options.progress;
  // Transport units: mus = 1 /mm, so positions are in scattering lengths.
  const std::vector<mc::Layer> white{{0.0, 1.0, options.g, mc::kInfinite}};
  std::unique_ptr<mc::WhiteConsumer> merged;
  const mc::WhiteStats stats = mc::RunWhite(
      white, mc::Beam{}, mo, [&] { return std::make_unique<TableConsumer>(options); }, &merged);
  const auto& acc = static_cast<const TableConsumer&>(*merged);

  McTables t;
  t.axes = options.axes;
  t.epidermis_mm = options.epidermis_mm;
  t.g = options.g;
  t.n_tissue = options.n_tissue;
  t.photons = options.photons;
  t.seed = options.seed;
  t.max_path_mfp = options.max_path_mfp;
  t.capped_fraction = static_cast<double>(stats.capped) / static_cast<double>(stats.photons);
  const double n = static_cast<double>(options.photons);
  t.skin.resize(acc.skin().size());
  t.skin_se.resize(acc.skin().size());
  for (size_t i = 0; i < t.skin.size(); ++i) {
    const double mean = acc.skin()[i] / n;
    t.skin[i] = static_cast<float>(mean);
    t.skin_se[i] = static_cast<float>(std::sqrt(std::max(0.0, acc.skin2()[i] / n - mean * mean) / n));
  }
  t.share.resize(acc.dark().size());
  const auto& ax = t.axes;
  for (size_t s = 0; s < ax.mus_per_mm.size(); ++s)
    for (size_t z = 0; z < ax.depth_mm.size(); ++z)
      for (size_t D = 0; D < ax.diameter_mm.size(); ++D)
        for (size_t b = 0; b < static_cast<size_t>(ax.crossing_bins); ++b)
          for (size_t e = 0; e < ax.mua_epidermis_per_mm.size(); ++e)
            for (size_t d = 0; d < ax.mua_dermis_per_mm.size(); ++d) {
              const size_t i = t.ShareIndex(s, z, D, b, e, d);
              const double skin = acc.skin()[t.SkinIndex(s, e, d)];
              t.share[i] = skin > 0 ? static_cast<float>(acc.dark()[i] / skin) : 0.0f;
            }
  t.profile_share.resize(acc.profile().size());
  for (size_t s = 0; s < McTables::Half(ax.mus_per_mm.size()); ++s)
    for (size_t z = 0; z < McTables::Half(ax.depth_mm.size()); ++z)
      for (size_t D = 0; D < McTables::Half(ax.diameter_mm.size()); ++D)
        for (size_t r = 0; r < ax.profile_rho_rel.size(); ++r)
          for (size_t b = 0; b < static_cast<size_t>(ax.crossing_bins); ++b)
            for (size_t e = 0; e < t.ProfileEpidermisNodes(); ++e)
              for (size_t d = 0; d < t.ProfileDermisNodes(); ++d) {
                const size_t i = t.ProfileIndex(s, z, D, r, b, e, d);
                const double skin = acc.skin()[t.SkinIndex(2 * s, 2 * e, 2 * d)];
                t.profile_share[i] = skin > 0 ? static_cast<float>(acc.profile()[i] / skin) : 0.0f;
              }
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream src;
  src << "shadecast optics tabulate --photons " << options.photons << " --seed " << options.seed
      << " (white Monte Carlo, g " << options.g << ", n " << options.n_tissue << ", epidermis "
      << options.epidermis_mm << " mm, collimated normal incidence, hemispherical remission; "
      << stats.mean_vertices << " vertices per photon, " << t.capped_fraction * 100 << " % capped at "
      << options.max_path_mfp << " scattering lengths)";
  t.source = src.str();
  return t;
}

void ToProto(const McTables& t, pb::McTables* p) {
  p->Clear();
  p->set_source(t.source);
  p->set_g(t.g);
  p->set_n_tissue(t.n_tissue);
  p->set_epidermis_mm(t.epidermis_mm);
  for (double v : t.axes.mus_per_mm) p->add_mus_per_mm(v);
  for (double v : t.axes.mua_epidermis_per_mm) p->add_mua_epidermis_per_mm(v);
  for (double v : t.axes.mua_dermis_per_mm) p->add_mua_dermis_per_mm(v);
  for (double v : t.axes.depth_mm) p->add_depth_mm(v);
  for (double v : t.axes.diameter_mm) p->add_diameter_mm(v);
  p->set_crossing_bins(t.axes.crossing_bins);
  for (double v : t.axes.profile_rho_rel) p->add_profile_rho_rel(v);
  p->mutable_profile_share()->Add(t.profile_share.begin(), t.profile_share.end());
  p->mutable_skin()->Add(t.skin.begin(), t.skin.end());
  p->mutable_skin_se()->Add(t.skin_se.begin(), t.skin_se.end());
  p->mutable_crossing_share()->Add(t.share.begin(), t.share.end());
  p->set_photons(t.photons);
  p->set_seed(t.seed);
  p->set_seconds(t.seconds);
  p->set_capped_fraction(t.capped_fraction);
  p->set_max_path_mfp(t.max_path_mfp);
  p->set_incidence("collimated 0 deg");
}

McTables FromProto(const pb::McTables& p) {
  McTables t;
  t.source = p.source();
  t.g = p.g();
  t.n_tissue = p.n_tissue();
  t.epidermis_mm = p.epidermis_mm();
  t.axes.mus_per_mm.assign(p.mus_per_mm().begin(), p.mus_per_mm().end());
  t.axes.mua_epidermis_per_mm.assign(p.mua_epidermis_per_mm().begin(), p.mua_epidermis_per_mm().end());
  t.axes.mua_dermis_per_mm.assign(p.mua_dermis_per_mm().begin(), p.mua_dermis_per_mm().end());
  t.axes.depth_mm.assign(p.depth_mm().begin(), p.depth_mm().end());
  t.axes.diameter_mm.assign(p.diameter_mm().begin(), p.diameter_mm().end());
  t.axes.crossing_bins = p.crossing_bins();
  t.axes.profile_rho_rel.assign(p.profile_rho_rel().begin(), p.profile_rho_rel().end());
  TabulateOptions check;
  check.axes = t.axes;
  check.epidermis_mm = t.epidermis_mm;
  check.g = t.g;
  check.n_tissue = t.n_tissue;
  std::string why;
  if (!check.IsValid(&why)) throw std::invalid_argument("Monte Carlo tables: " + why);
  t.skin.assign(p.skin().begin(), p.skin().end());
  t.skin_se.assign(p.skin_se().begin(), p.skin_se().end());
  t.share.assign(p.crossing_share().begin(), p.crossing_share().end());
  t.profile_share.assign(p.profile_share().begin(), p.profile_share().end());
  const size_t nskin = t.axes.mus_per_mm.size() * t.axes.mua_epidermis_per_mm.size() * t.axes.mua_dermis_per_mm.size();
  const size_t nshare = nskin * t.axes.depth_mm.size() * t.axes.diameter_mm.size() * static_cast<size_t>(t.axes.crossing_bins);
  const size_t nprofile = McTables::Half(t.axes.mus_per_mm.size()) * McTables::Half(t.axes.depth_mm.size()) *
                          McTables::Half(t.axes.diameter_mm.size()) *
                          t.axes.profile_rho_rel.size() * static_cast<size_t>(t.axes.crossing_bins) *
                          t.ProfileEpidermisNodes() * t.ProfileDermisNodes();
  if (t.profile_share.size() != nprofile)
    throw std::invalid_argument("Monte Carlo tables: " + std::to_string(t.profile_share.size()) +
                                " profile shares for " + std::to_string(nprofile));
  if (t.skin.size() != nskin || t.skin_se.size() != nskin || t.share.size() != nshare)
    throw std::invalid_argument("Monte Carlo tables: value counts do not match the axes (" + std::to_string(t.skin.size()) +
                                " skin values for " + std::to_string(nskin) + ", " + std::to_string(t.share.size()) +
                                " shares for " + std::to_string(nshare) + ")");
  t.photons = p.photons();
  t.seed = p.seed();
  t.seconds = p.seconds();
  t.capped_fraction = p.capped_fraction();
  t.max_path_mfp = p.max_path_mfp();
  return t;
}

}  // namespace shadecast::optics
