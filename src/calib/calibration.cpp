#include "calib/calibration.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "calib/exposure_field.h"
#include "calib/fit.h"
#include "calib/linearize.h"
#include "calib/mapping.h"
#include "calib/spectral.h"
#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::calib {

// ---- enums -------------------------------------------------------------------------------------
std::string ModelToString(Model m) {
  switch (m) {
    case Model::kAuto: return "auto";
    case Model::kLinear: return "linear";
    case Model::kRootPoly2: return "rootpoly2";
    case Model::kSpectral: return "spectral";
  }
  return "?";
}
Model ModelFromString(const std::string& s) {
  for (Model m : {Model::kAuto, Model::kLinear, Model::kRootPoly2, Model::kSpectral})
    if (s == ModelToString(m)) return m;
  throw std::invalid_argument("unknown model '" + s + "': expected auto, linear, rootpoly2 or spectral");
}
pb::ColorModel ModelToProto(Model m) {
  switch (m) {
    case Model::kLinear: return pb::LINEAR;
    case Model::kRootPoly2: return pb::ROOTPOLY2;
    case Model::kSpectral: return pb::SPECTRAL;
    default: return pb::COLOR_MODEL_UNSPECIFIED;
  }
}
Model ModelFromProto(pb::ColorModel m) {
  switch (m) {
    case pb::LINEAR: return Model::kLinear;
    case pb::ROOTPOLY2: return Model::kRootPoly2;
    case pb::SPECTRAL: return Model::kSpectral;
    default: throw std::invalid_argument("profile: unsupported model " + pb::ColorModel_Name(m));
  }
}
std::string LinearizationToString(Linearization l) {
  switch (l) {
    case Linearization::kNone: return "none";
    case Linearization::kSrgb: return "srgb";
    case Linearization::kGamma: return "gamma";
    case Linearization::kCurve: return "curve";
  }
  return "?";
}
Linearization LinearizationFromString(const std::string& s) {
  for (Linearization l : {Linearization::kNone, Linearization::kSrgb, Linearization::kGamma, Linearization::kCurve})
    if (s == LinearizationToString(l)) return l;
  throw std::invalid_argument("unknown linearization '" + s + "': expected srgb, gamma, curve or none");
}
pb::Linearization LinearizationToProto(Linearization l) {
  switch (l) {
    case Linearization::kNone: return pb::NONE;
    case Linearization::kSrgb: return pb::SRGB;
    case Linearization::kGamma: return pb::GAMMA;
    case Linearization::kCurve: return pb::CURVE;
  }
  return pb::LINEARIZATION_UNSPECIFIED;
}
Linearization LinearizationFromProto(pb::Linearization l) {
  switch (l) {
    case pb::NONE: return Linearization::kNone;
    case pb::SRGB: return Linearization::kSrgb;
    case pb::GAMMA: return Linearization::kGamma;
    case pb::CURVE: return Linearization::kCurve;
    default: throw std::invalid_argument("profile: linearization is unspecified");
  }
}

bool CalibrationOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (!(ridge >= 0 && std::isfinite(ridge))) return fail("ridge must be >= 0");
  if (!(robust_scale_de00 > 0)) return fail("robust_scale_de00 must be > 0");
  if (max_iterations < 1) return fail("max_iterations must be >= 1");
  if (!(training_share > 0)) return fail("training_share must be > 0");
  if (!(field_prior_sd > 0 && std::isfinite(field_prior_sd))) return fail("field_prior_sd must be > 0");
  return true;
}

pb::ErrorStats Stats(const std::vector<double>& de) {
  std::vector<double> v;
  for (double d : de)
    if (d >= 0) v.push_back(d);
  pb::ErrorStats s;
  s.set_count(static_cast<int>(v.size()));
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.set_mean_de00(std::accumulate(v.begin(), v.end(), 0.0) / v.size());
  s.set_max_de00(v.back());
  const size_t n = v.size();
  s.set_median_de00(n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
  const double pos = 0.95 * (n - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, n - 1);
  s.set_p95_de00(v[lo] + (pos - lo) * (v[hi] - v[lo]));
  return s;
}

std::vector<double> SkinWeights(const pb::ChartDefinition& chart, const std::vector<color::Lab>& reference,
                                double dark_l_max) {
  std::vector<double> w(chart.patches_size(), 1.0);
  for (int i = 0; i < chart.patches_size(); ++i) {
    const double l = reference.empty() ? chart.patches(i).reference_lab().l() : reference[i][0];
    if (chart.patches(i).skin_like()) w[i] = 10.0;
    else if (l < dark_l_max) w[i] = 3.0;
  }
  return w;
}

// ---- the fit of one model on a subset of patches ----------------------------------------------
namespace {

struct Core {
  Model model = Model::kLinear;
  Linearization lin = Linearization::kSrgb;
  std::vector<double> lin_params;
  double exposure = 1;
  int n_terms = 3;
  std::vector<double> coef;
  FitOutcome outcome;
  std::string note;
  ExposureField field_kind = ExposureField::kNone;
  int n_field = 0;
  std::vector<double> field;  // the exposure field's coefficients (empty: none)
};

class Calibrator {
 public:
  Calibrator(const CalibrationInput& in, const CalibrationOptions& o) : in_(in), o_(o) {
    const int n = in.chart.patches_size();
    if (n == 0) throw std::invalid_argument("chart '" + in.chart.id() + "' has no patches");
    if (static_cast<int>(in.patches.size()) != n)
      throw std::invalid_argument("expected " + std::to_string(n) + " patches (one per patch of chart '" +
                                  in.chart.id() + "'), got " + std::to_string(in.patches.size()));
    if (!in.reference.empty() && static_cast<int>(in.reference.size()) != n)
      throw std::invalid_argument("expected " + std::to_string(n) + " reference L*a*b* values, got " +
                                  std::to_string(in.reference.size()));
    if (!in.weights.empty() && static_cast<int>(in.weights.size()) != n)
      throw std::invalid_argument("expected " + std::to_string(n) + " weights, got " + std::to_string(in.weights.size()));
    for (int i = 0; i < n; ++i) {
      const auto& p = in.chart.patches(i);
      const std::string what = "patch " + std::to_string(i + 1) + " (" + p.name() + ")";
      for (double v : in.patches[i].rgb)
        if (!std::isfinite(v)) throw std::invalid_argument(what + ": RGB is not a finite number");
        else if (v < 0) throw std::invalid_argument(what + ": RGB must not be negative");
      lab_.push_back(in.reference.empty() ? color::Lab{p.reference_lab().l(), p.reference_lab().a(), p.reference_lab().b()}
                                          : in.reference[i]);
      for (double v : lab_.back())
        if (!std::isfinite(v)) throw std::invalid_argument(what + ": reference L*a*b* is not finite");
      y_.push_back(color::LabToXyz(lab_.back(), color::kIccD50White)[1]);
      const double w = in.weights.empty() ? 1.0 : in.weights[i];
      if (!(w > 0 && std::isfinite(w))) throw std::invalid_argument(what + ": weight must be a positive number");
      w_.push_back(w);
      usable_.push_back(!in.patches[i].clipped && !in.patches[i].non_uniform);
      if (p.neutral()) neutral_.push_back(i);
      has_spectra_ &= p.reflectance().values_size() > 1;
      if (has_spectra_) {
        color::SampledSpectrum s{p.name(), {p.reflectance().wavelengths_nm().begin(), p.reflectance().wavelengths_nm().end()},
                                 {p.reflectance().values().begin(), p.reflectance().values().end()}};
        spectra_.push_back(color::ResampleTo36(s));
      }
    }
    if (neutral_.empty()) throw std::invalid_argument("chart '" + in.chart.id() + "' marks no neutral patch");
    positions_ = PatchPositions(in.chart);
    const int n_usable = static_cast<int>(std::count(usable_.begin(), usable_.end(), true));
    if (n_usable < 8)
      throw std::invalid_argument("only " + std::to_string(n_usable) +
                                  " usable patches (the others are clipped or non-uniform); at least 8 are needed");
    int usable_neutrals = 0;
    for (int i : neutral_) usable_neutrals += usable_[i];
    if (usable_neutrals == 0) throw std::invalid_argument("every neutral patch is clipped or non-uniform");
  }

  bool SpectralAvailable(std::string* why) const {
    if (!has_spectra_) return *why = "the chart definition has no patch spectra", false;
    if (!in_.training) return *why = "no training set was given", false;
    return true;
  }

  Core Fit(Model model, ExposureField field, std::vector<bool> use) const {
    for (size_t i = 0; i < use.size(); ++i) use[i] = use[i] && usable_[i];
    Core core = FitPass(model, field, use, nullptr);
    // The linearisation's parameters and the spectral model's sensitivities are estimated from
    // device values before the mapping: with a field, once more with the first pass's field
    // divided out of them.
    if (core.n_field > 0 && (!core.lin_params.empty() || model == Model::kSpectral))
      core = FitPass(model, field, use, &core);
    return core;
  }

  // The first pass's exposure at patch i (1 without one).
  double PriorExposure(const Core* previous, int i) const {
    return previous ? FieldValue(previous->field_kind, previous->field, positions_[i]) : 1.0;
  }

  Core FitPass(Model model, ExposureField field, const std::vector<bool>& use, const Core* previous) const {
    Core core;
    core.model = model;
    core.lin = o_.linearization;
    core.field_kind = field;
    core.n_field = FieldTermCount(field);
    std::vector<Rgb> ndev;
    std::vector<double> ny;
    for (int i : neutral_)
      if (use[i]) ndev.push_back(in_.patches[i].rgb), ny.push_back(y_[i] * PriorExposure(previous, i));
    core.lin_params = FitLinearization(core.lin, ndev, ny);
    double num = 0, den = 0;
    for (int i : neutral_)
      if (use[i]) {
        const Rgb l = Linearize(core.lin, core.lin_params, in_.patches[i].rgb);
        const double m = (l[0] + l[1] + l[2]) / 3.0;
        num += y_[i] * PriorExposure(previous, i) * m;
        den += m * m;
      }
    if (!(den > 0)) throw std::invalid_argument("the neutral patches are black: cannot normalise the exposure");
    core.exposure = num / den;
    core.n_terms = TermCount(model);

    FitSamples s;
    double chart_w = 0;
    for (size_t i = 0; i < use.size(); ++i)
      if (use[i]) {
        s.rgb.push_back(Normalised(core, in_.patches[i].rgb));
        s.lab.push_back(lab_[i]);
        s.weight.push_back(w_[i]);
        chart_w += w_[i];
        if (core.n_field > 0) {
          s.phi.emplace_back();
          FieldBasis(core.field_kind, positions_[i], s.phi.back().data());
          s.neutral.push_back(in_.chart.patches(static_cast<int>(i)).neutral());
        }
      }
    if (model == Model::kSpectral) AddTrainingSet(core, use, previous, chart_w, &s);
    FitSettings fs;
    fs.n_terms = core.n_terms;
    fs.ridge = o_.ridge;
    fs.robust_scale_de00 = o_.robust_scale_de00;
    fs.refine = o_.refine;
    fs.max_iterations = o_.max_iterations;
    fs.n_field = core.n_field;
    fs.field_prior_sd = o_.field_prior_sd;
    core.outcome = FitMapping(s, fs);
    core.coef = core.outcome.coef;
    core.field = core.outcome.field;
    if (core.field.empty()) core.n_field = 0;
    return core;
  }

  // The spectral model's training samples: camera RGB predicted from sensitivities estimated on the
  // chart (with the first pass's field divided out).
  void AddTrainingSet(Core& core, const std::vector<bool>& use, const Core* previous, double chart_w,
                      FitSamples* s) const {
    std::vector<color::Spectral36> refl;
    std::vector<Rgb> rgb;
    std::vector<double> w;
    for (size_t i = 0; i < use.size(); ++i)
      if (use[i]) {
        Rgb v = Normalised(core, in_.patches[i].rgb);
        const double e = PriorExposure(previous, static_cast<int>(i));
        for (double& c : v) c /= e;
        refl.push_back(spectra_[i]), rgb.push_back(v), w.push_back(1.0);
      }
    const SensitivityEstimate est = EstimateSensitivities(refl, rgb, w);
    const auto& t = *in_.training;
    const double tw = o_.training_share * chart_w / std::max<size_t>(t.reflectance.size(), 1);
    for (size_t k = 0; k < t.reflectance.size(); ++k) {
      s->rgb.push_back(PredictRgb(est, t.reflectance[k]));
      s->lab.push_back(t.lab[k]);
      s->weight.push_back(tw);
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "sensitivities: lambda %.0e, chart RGB rms %.4f; trained on %s + chart", est.lambda,
                  est.rms_residual, t.description.c_str());
    core.note = buf;
  }

  static Rgb Normalised(const Core& c, const Rgb& device) {
    const Rgb l = Linearize(c.lin, c.lin_params, device);
    return {c.exposure * l[0], c.exposure * l[1], c.exposure * l[2]};
  }
  // Patch i's L*a*b*: the mapping on its device values with the light at its place removed.
  color::Lab Predict(const Core& c, int i) const {
    color::Xyz xyz = ApplyMapping(c.coef, c.n_terms, Normalised(c, in_.patches[i].rgb));
    const double light = FieldValue(c.field_kind, c.field, positions_[i]);
    for (double& v : xyz) v /= light;
    return color::XyzToLab(xyz, color::kIccD50White);
  }

  // One model's report from its fit on every usable patch and, per usable patch, the prediction
  // of the refit without it (-1 where not left out).
  ModelReport Report(Model model, const Core& full, const std::vector<double>& loo_de00) const {
    ModelReport r;
    r.model = model;
    const int n = static_cast<int>(lab_.size());
    r.converged = full.outcome.converged || !o_.refine;
    r.note = full.note;
    r.exposure_field = full.n_field > 0 ? full.field_kind : ExposureField::kNone;
    r.de00.assign(n, -1);
    for (int i = 0; i < n; ++i)
      if (usable_[i]) r.de00[i] = color::DeltaE00(Predict(full, i), lab_[i]);
    r.fit = Stats(r.de00);
    r.loo_de00 = o_.leave_one_out ? loo_de00 : std::vector<double>(n, -1);
    const std::vector<double>& loo = o_.leave_one_out ? r.loo_de00 : r.de00;
    r.loo = Stats(loo);
    std::vector<double> skin(n, -1), dark(n, -1);
    double wsum = 0, acc = 0;
    for (int i = 0; i < n; ++i) {
      if (loo[i] < 0) continue;
      if (in_.chart.patches(i).skin_like()) skin[i] = loo[i];
      if (lab_[i][0] < o_.dark_l_max) dark[i] = loo[i];
      acc += w_[i] * loo[i];
      wsum += w_[i];
    }
    r.loo_skin = Stats(skin);
    r.loo_dark = Stats(dark);
    r.loo_weighted_mean = acc / wsum;
    return r;
  }

  // Fits every available model with each exposure-field variant (`auto`: none and quadratic) on
  // all usable patches and leaving each out; per model, the variant with the lower leave-one-out
  // criterion becomes its candidate (in res->candidates, its fit in (*cores)[k]).
  //
  // Every fit — each candidate on all patches, and each leave-one-out refit — is independent of
  // the others (read-only inputs, its own Ceres problem, always from the closed-form start), so
  // they are one task each, shared by a few worker threads; the results do not depend on the
  // number of threads or the order the tasks run in. The spectral model's tasks, the longest,
  // come first.
  void RunFits(const std::vector<Model>& models, CalibrationResult* res, std::vector<Core>* cores) const {
    const int n = static_cast<int>(lab_.size());
    const std::vector<ExposureField> fields = o_.exposure_field == ExposureField::kAuto
                                                  ? std::vector<ExposureField>{ExposureField::kNone, ExposureField::kQuadratic}
                                                  : std::vector<ExposureField>{o_.exposure_field};
    struct Config {
      size_t model;
      ExposureField field;
    };
    std::vector<Config> configs;
    for (size_t k = 0; k < models.size(); ++k)
      if (res->candidates[k].available)
        for (ExposureField f : fields) configs.push_back({k, f});
    std::vector<Core> fits(configs.size());
    std::vector<std::vector<double>> loo(configs.size(), std::vector<double>(n, -1));
    std::vector<std::vector<char>> loo_converged(configs.size(), std::vector<char>(n, 1));
    struct Task {
      size_t config;
      int left_out;  // -1: the fit on every usable patch
    };
    std::vector<Task> tasks;
    for (size_t c = 0; c < configs.size(); ++c) {
      tasks.push_back({c, -1});
      if (o_.leave_one_out)
        for (int i = 0; i < n; ++i)
          if (usable_[i]) tasks.push_back({c, i});
    }
    auto spectral = [&](const Task& t) { return models[configs[t.config].model] == Model::kSpectral; };
    std::stable_sort(tasks.begin(), tasks.end(), [&](const Task& a, const Task& b) { return spectral(a) > spectral(b); });
    std::vector<std::exception_ptr> errors(tasks.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
        try {
          const Task& task = tasks[t];
          const Config& cfg = configs[task.config];
          std::vector<bool> use(n, true);
          if (task.left_out >= 0) use[task.left_out] = false;
          Core c = Fit(models[cfg.model], cfg.field, use);
          if (task.left_out < 0) {
            fits[task.config] = std::move(c);
          } else {
            loo[task.config][task.left_out] = color::DeltaE00(Predict(c, task.left_out), lab_[task.left_out]);
            loo_converged[task.config][task.left_out] = c.outcome.converged || !o_.refine;
          }
        } catch (...) {
          errors[t] = std::current_exception();
        }
      }
    };
    const size_t n_threads =
        std::min<size_t>(tasks.size(), std::clamp<unsigned>(std::thread::hardware_concurrency(), 1u, 8u));
    std::vector<std::thread> threads;
    for (size_t k = 1; k < n_threads; ++k) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
    for (size_t c = 0; c < configs.size(); ++c) {
      const size_t k = configs[c].model;
      ModelReport r = Report(models[k], fits[c], loo[c]);
      for (int i = 0; i < n; ++i) {
        if (loo[c][i] < 0) continue;
        ++r.loo_fits;
        if (!loo_converged[c][i]) ++r.loo_not_converged;
      }
      const bool first = c == 0 || configs[c - 1].model != k;
      if (first || r.loo_weighted_mean < res->candidates[k].loo_weighted_mean) {
        res->candidates[k] = std::move(r);
        (*cores)[k] = fits[c];
      }
    }
  }

  CalibrationResult Run() const {
    CalibrationResult res;
    std::vector<Model> models;
    if (o_.model == Model::kAuto) {
      models = {Model::kLinear, Model::kRootPoly2, Model::kSpectral};
    } else {
      models = {o_.model};
    }
    std::string why;
    if (o_.model == Model::kSpectral && !SpectralAvailable(&why))
      throw std::invalid_argument("model spectral: " + why);
    std::vector<Core> cores(models.size());
    res.candidates.resize(models.size());
    for (size_t k = 0; k < models.size(); ++k)
      if (models[k] == Model::kSpectral && !SpectralAvailable(&why)) {
        res.candidates[k].model = models[k];
        res.candidates[k].available = false;
        res.candidates[k].note = why;
      }
    RunFits(models, &res, &cores);
    size_t best = 0;
    for (size_t k = 0; k < res.candidates.size(); ++k) {
      if (!res.candidates[k].available) continue;
      if (!res.candidates[best].available ||
          res.candidates[k].loo_weighted_mean < res.candidates[best].loo_weighted_mean)
        best = k;
    }
    const ModelReport& rep = res.candidates[best];
    const Core& core = cores[best];
    res.chosen = rep.model;

    pb::CameraProfile& p = res.profile;
    p.set_model(ModelToProto(core.model));
    p.set_linearization(LinearizationToProto(core.lin));
    for (double v : core.lin_params) p.add_linearization_params(v);
    for (double v : core.coef) p.add_coefficients(v);
    p.set_n_terms(core.n_terms);
    p.set_exposure_scale(core.exposure);
    p.set_chart_id(in_.chart.id());
    p.set_illuminant(in_.illuminant);
    p.set_camera(in_.camera);
    p.set_created(in_.created);
    p.set_software_version(in_.software_version);
    p.set_dark_l_max(o_.dark_l_max);
    if (core.model == Model::kSpectral) p.set_training_set(in_.training->description);
    *p.mutable_fit() = rep.fit;
    *p.mutable_loo() = rep.loo;
    *p.mutable_loo_skin() = rep.loo_skin;
    *p.mutable_loo_dark() = rep.loo_dark;
    auto* sum = p.mutable_summary();
    sum->set_converged(rep.converged);
    sum->set_initial_cost(core.outcome.initial_cost);
    sum->set_final_cost(core.outcome.final_cost);
    sum->set_iterations(core.outcome.iterations);
    sum->set_message(core.outcome.message);
    sum->set_termination(core.outcome.termination);
    sum->set_loo_fits(rep.loo_fits);
    sum->set_loo_not_converged(rep.loo_not_converged);
    auto* ef = p.mutable_exposure_field();
    ef->set_basis(ExposureFieldToString(core.n_field > 0 ? core.field_kind : ExposureField::kNone));
    for (double v : core.field) ef->add_coefficients(v);
    ef->set_min(1.0), ef->set_max(1.0);
    for (int i = 0; i < static_cast<int>(lab_.size()); ++i) {
      const double e = FieldValue(core.field_kind, core.field, positions_[i]);
      ef->set_min(i == 0 ? e : std::min(ef->min(), e));
      ef->set_max(i == 0 ? e : std::max(ef->max(), e));
    }
    for (int i = 0; i < static_cast<int>(lab_.size()); ++i) {
      const auto& cp = in_.chart.patches(i);
      auto* pr = p.add_patches();
      pr->set_index(cp.index());
      pr->set_name(cp.name());
      auto* ref = pr->mutable_reference();
      ref->set_l(lab_[i][0]), ref->set_a(lab_[i][1]), ref->set_b(lab_[i][2]);
      const color::Lab f = Predict(core, i);
      auto* fl = pr->mutable_fitted();
      fl->set_l(f[0]), fl->set_a(f[1]), fl->set_b(f[2]);
      pr->set_de00(color::DeltaE00(f, lab_[i]));
      pr->set_loo_de00(rep.loo_de00[i]);
      pr->set_excluded(!usable_[i]);
      std::string flags;
      if (in_.patches[i].clipped) flags = "clipped";
      if (in_.patches[i].non_uniform) {
        flags += std::string(flags.empty() ? "" : ",") + "non_uniform";
        if (!in_.patches[i].reason.empty()) flags += "," + in_.patches[i].reason;
      }
      pr->set_flags(flags);
      if (!usable_[i]) res.excluded.push_back(cp.name() + " (" + flags + ")");
      pr->set_weight(w_[i]);
      pr->set_exposure(FieldValue(core.field_kind, core.field, positions_[i]));
      pr->set_skin_like(cp.skin_like());
      pr->set_dark(lab_[i][0] < o_.dark_l_max);
      for (double v : in_.patches[i].rgb) pr->add_device_rgb(v);
    }
    for (const ModelReport& r : res.candidates) {
      auto* c = p.add_candidates();
      c->set_model(ModelToProto(r.model));
      c->set_available(r.available);
      c->set_note(r.note);
      *c->mutable_fit() = r.fit;
      *c->mutable_loo() = r.loo;
      *c->mutable_loo_skin() = r.loo_skin;
      *c->mutable_loo_dark() = r.loo_dark;
      c->set_loo_weighted_mean(r.loo_weighted_mean);
      c->set_exposure_field(ExposureFieldToString(r.exposure_field));
    }
    return res;
  }

 private:
  const CalibrationInput& in_;
  const CalibrationOptions& o_;
  std::vector<color::Lab> lab_;
  std::vector<double> y_, w_;
  std::vector<bool> usable_;
  std::vector<int> neutral_;
  std::vector<ChartPosition> positions_;
  bool has_spectra_ = true;
  std::vector<color::Spectral36> spectra_;
};

}  // namespace

CalibrationResult Calibrate(const CalibrationInput& input, const CalibrationOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("calibration options: " + why);
  return Calibrator(input, options).Run();
}

std::string CalibrationResult::BriefReport() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "model %s: fit mean %.2f max %.2f dE00; leave-one-out mean %.2f max %.2f dE00",
                ModelToString(chosen).c_str(), profile.fit().mean_de00(), profile.fit().max_de00(),
                profile.loo().mean_de00(), profile.loo().max_de00());
  return buf;
}

// ---- applying a profile ------------------------------------------------------------------------
ProfileTransform::ProfileTransform(const pb::CameraProfile& p) {
  const Model m = ModelFromProto(p.model());
  lin_ = LinearizationFromProto(p.linearization());
  lin_params_.assign(p.linearization_params().begin(), p.linearization_params().end());
  CheckLinearization(lin_, lin_params_);
  n_terms_ = TermCount(m);
  if (p.n_terms() != n_terms_)
    throw std::invalid_argument("profile: model " + ModelToString(m) + " has " + std::to_string(n_terms_) +
                                " terms, the profile says " + std::to_string(p.n_terms()));
  if (p.coefficients_size() != 3 * n_terms_)
    throw std::invalid_argument("profile: expected " + std::to_string(3 * n_terms_) + " coefficients, found " +
                                std::to_string(p.coefficients_size()));
  coef_.assign(p.coefficients().begin(), p.coefficients().end());
  for (double c : coef_)
    if (!std::isfinite(c)) throw std::invalid_argument("profile: a coefficient is not finite");
  exposure_ = p.exposure_scale();
  if (!(exposure_ > 0 && std::isfinite(exposure_)))
    throw std::invalid_argument("profile: exposure_scale must be positive");
}

Rgb ProfileTransform::Normalised(const Rgb& device) const {
  const Rgb l = Linearize(lin_, lin_params_, device);
  return {exposure_ * l[0], exposure_ * l[1], exposure_ * l[2]};
}
color::Xyz ProfileTransform::NormalisedToXyz(const Rgb& n) const { return ApplyMapping(coef_, n_terms_, n); }
color::Xyz ProfileTransform::ToXyz(const Rgb& device) const { return NormalisedToXyz(Normalised(device)); }
color::Lab ProfileTransform::ToLab(const Rgb& device) const {
  return color::XyzToLab(ToXyz(device), color::kIccD50White);
}

// ---- drift -------------------------------------------------------------------------------------
DriftReport CheckDrift(const pb::CameraProfile& profile, const std::vector<PatchObservation>& patches,
                       const DriftOptions& o) {
  const ProfileTransform t(profile);
  if (static_cast<int>(patches.size()) != profile.patches_size())
    throw std::invalid_argument("expected " + std::to_string(profile.patches_size()) + " patches, got " +
                                std::to_string(patches.size()));
  DriftReport r;
  r.drift_de00.assign(patches.size(), -1);
  r.accuracy_de00.assign(patches.size(), -1);
  std::string worst;
  double worst_de = -1;
  for (size_t i = 0; i < patches.size(); ++i) {
    const auto& pp = profile.patches(static_cast<int>(i));
    if (pp.excluded() || patches[i].clipped || patches[i].non_uniform) continue;
    const color::Lab now = t.ToLab(patches[i].rgb);
    // Drift is a change of the device values: now against the same transform of the calibration
    // photo's values (the fitted L*a*b* also holds that photo's exposure field); profiles from
    // before device values were stored compare with the fitted L*a*b*.
    const color::Lab then = pp.device_rgb_size() == 3
                                ? t.ToLab(Rgb{pp.device_rgb(0), pp.device_rgb(1), pp.device_rgb(2)})
                                : color::Lab{pp.fitted().l(), pp.fitted().a(), pp.fitted().b()};
    r.drift_de00[i] = color::DeltaE00(now, then);
    r.accuracy_de00[i] = color::DeltaE00(now, color::Lab{pp.reference().l(), pp.reference().a(), pp.reference().b()});
    if (r.drift_de00[i] > worst_de) worst_de = r.drift_de00[i], worst = pp.name();
  }
  r.drift = Stats(r.drift_de00);
  r.accuracy = Stats(r.accuracy_de00);
  char buf[256];
  if (r.drift.mean_de00() > o.max_mean_drift_de00) {
    r.recalibrate = true;
    std::snprintf(buf, sizeof buf, "mean drift %.2f dE00 exceeds %.2f: recalibrate", r.drift.mean_de00(),
                  o.max_mean_drift_de00);
  } else if (r.drift.max_de00() > o.max_patch_drift_de00) {
    r.recalibrate = true;
    std::snprintf(buf, sizeof buf, "patch %s drifted %.2f dE00 (limit %.2f): recalibrate", worst.c_str(),
                  r.drift.max_de00(), o.max_patch_drift_de00);
  } else {
    std::snprintf(buf, sizeof buf, "mean drift %.2f, max %.2f dE00: within limits (%.2f mean, %.2f per patch)",
                  r.drift.mean_de00(), r.drift.max_de00(), o.max_mean_drift_de00, o.max_patch_drift_de00);
  }
  r.reason = buf;
  return r;
}

}  // namespace shadecast::calib
