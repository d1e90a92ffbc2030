#include "blend/characterize.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <utility>

#include "blend/characterize_cost.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"

namespace shadecast::blend {
namespace {

using color::kBands;
using color::Spectral36;

constexpr double kLogMin = -30.0;  // bounds of log K, log S (K, S in relative units)
constexpr double kLogMax = 10.0;

const Spectral36& Background(const CharacterizationSample& s, const CharacterizationData& data) {
  static const Spectral36 kNone{};
  switch (s.kind) {
    case SampleKind::kTint:
      return kNone;
    case SampleKind::kOverBlack:
      assert(data.background_black);
      return *data.background_black;
    case SampleKind::kOverWhite:
      assert(data.background_white);
      return *data.background_white;
  }
  return kNone;
}

std::string ExpectedHeaders() {
  return "expected tint:<mass fraction 0-1>, over_black:<thickness>, over_white:<thickness>, "
         "background_black or background_white";
}

// Per band, the best (log K, log S) on a coarse grid: a start for the solver that does not depend
// on the pigment being dark or light.
std::pair<Spectral36, Spectral36> GridStart(const CharacterizationData& data,
                                            const PigmentKs& white, const SaundersonOptions& so) {
  Spectral36 log_k{}, log_s{};
  for (int i = 0; i < kBands; ++i) {
    double best = INFINITY;
    for (double lk = -14.0; lk <= 4.0 + 1e-9; lk += 0.5) {
      for (double ls = -10.0; ls <= 4.0 + 1e-9; ls += 0.5) {
        double cost = 0.0;
        for (const CharacterizationSample& s : data.samples) {
          const double pred = PredictSampleBand(s.kind, s.amount, std::exp(lk), std::exp(ls),
                                                white.k[i], white.s[i], Background(s, data)[i], so);
          cost += (pred - s.reflectance[i]) * (pred - s.reflectance[i]);
        }
        if (cost < best) {
          best = cost;
          log_k[i] = lk;
          log_s[i] = ls;
        }
      }
    }
  }
  return {log_k, log_s};
}

}  // namespace

const char* SampleKindToString(SampleKind kind) {
  switch (kind) {
    case SampleKind::kTint:
      return "tint";
    case SampleKind::kOverBlack:
      return "over_black";
    case SampleKind::kOverWhite:
      return "over_white";
  }
  return "?";
}

bool SampleKindFromString(std::string_view text, SampleKind* kind) {
  for (SampleKind k : {SampleKind::kTint, SampleKind::kOverBlack, SampleKind::kOverWhite}) {
    if (text == SampleKindToString(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

CharacterizationData ParseCharacterizationCsv(const color::CsvTable& table, double scale) {
  CharacterizationData data;
  data.source = table.source;
  if (table.cols() < 2) {
    throw std::runtime_error(table.source +
                             ": expected a header wavelength_nm,<samples...> with at least one "
                             "sample column");
  }
  // Headers first, so a malformed header is reported as such.
  struct Column {
    enum { kSample, kBlack, kWhite } what;
    SampleKind kind;
    double amount;
  };
  std::vector<Column> columns;
  for (size_t c = 1; c < table.cols(); ++c) {
    const std::string& h = table.header[c];
    const std::string where =
        table.source + ": column " + std::to_string(c + 1) + " header '" + h + "': ";
    if (h == "background_black" || h == "background_white") {
      const bool black = h == "background_black";
      if ((black && data.background_black) || (!black && data.background_white))
        throw std::runtime_error(where + "appears twice");
      columns.push_back({black ? Column::kBlack : Column::kWhite, SampleKind::kTint, 0.0});
      (black ? data.background_black : data.background_white) = Spectral36{};
      continue;
    }
    const size_t colon = h.find(':');
    SampleKind kind;
    double amount = 0.0;
    if (colon == std::string::npos ||
        !SampleKindFromString(std::string_view(h).substr(0, colon), &kind) ||
        !color::ParseDouble(std::string_view(h).substr(colon + 1), &amount)) {
      throw std::runtime_error(where + ExpectedHeaders());
    }
    if (kind == SampleKind::kTint && !(amount > 0.0 && amount <= 1.0))
      throw std::runtime_error(where + "the mass fraction must be in (0, 1]");
    if (kind != SampleKind::kTint && !(amount > 0.0))
      throw std::runtime_error(where + "the film thickness must be > 0");
    columns.push_back({Column::kSample, kind, amount});
  }

  const std::vector<color::SampledSpectrum> spectra = color::SpectraFromCsv(table, scale);
  assert(spectra.size() == columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    for (double v : spectra[c].values) {
      if (!(v >= -0.01 && v <= 1.5)) {
        throw std::runtime_error(table.source + ": column '" + spectra[c].name +
                                 "' has reflectance " + std::to_string(v) +
                                 ", expected a fraction 0-1 (percent needs --percent)");
      }
    }
    const Spectral36 r = color::ResampleTo36(spectra[c]);
    switch (columns[c].what) {
      case Column::kBlack:
        data.background_black = r;
        break;
      case Column::kWhite:
        data.background_white = r;
        break;
      case Column::kSample:
        data.samples.push_back({spectra[c].name, columns[c].kind, columns[c].amount, r});
        break;
    }
  }
  return data;
}

void ValidateCharacterizationData(const CharacterizationData& data) {
  if (data.samples.empty()) {
    throw std::runtime_error(data.source + ": no sample columns (" + ExpectedHeaders() + ")");
  }
  std::set<std::pair<int, double>> distinct;
  for (const CharacterizationSample& s : data.samples) {
    if (s.kind == SampleKind::kOverBlack && !data.background_black)
      throw std::runtime_error(data.source + ": sample '" + s.label +
                               "' needs a background_black column");
    if (s.kind == SampleKind::kOverWhite && !data.background_white)
      throw std::runtime_error(data.source + ": sample '" + s.label +
                               "' needs a background_white column");
    distinct.insert({static_cast<int>(s.kind), s.amount});
  }
  if (distinct.size() < 2) {
    throw std::runtime_error(
        data.source +
        ": K and S cannot both be determined from one condition (only K/S can); expected "
        "at least two different samples, e.g. tints at two or more mass fractions, or "
        "drawdowns over black and over white");
  }
}

bool CharacterizeOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (!(saunderson.k1 >= 0.0 && saunderson.k1 < 1.0))
    return fail("saunderson.k1 must be in [0, 1)");
  if (!(saunderson.k2 >= 0.0 && saunderson.k2 < 1.0))
    return fail("saunderson.k2 must be in [0, 1)");
  if (!(smoothness >= 0.0 && std::isfinite(smoothness)))
    return fail("smoothness must be finite and >= 0");
  if (max_iterations < 1) return fail("max_iterations must be >= 1");
  return true;
}

std::string CharacterizeSummary::BriefReport() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s after %d iterations, cost %.6g -> %.6g",
                converged ? "converged" : "NOT converged", iterations, initial_cost, final_cost);
  return std::string(buf) + (message.empty() ? "" : " (" + message + ")");
}

Spectral36 PredictSample(const CharacterizationSample& sample, const CharacterizationData& data,
                         const PigmentKs& pigment, const PigmentKs& white,
                         const SaundersonOptions& so) {
  const Spectral36& rg = Background(sample, data);
  Spectral36 out{};
  for (int i = 0; i < kBands; ++i) {
    out[i] = PredictSampleBand(sample.kind, sample.amount, pigment.k[i], pigment.s[i], white.k[i],
                               white.s[i], rg[i], so);
  }
  return out;
}

CharacterizeResult Characterize(const CharacterizationData& data, const PigmentKs& white,
                                const CharacterizeOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("CharacterizeOptions: " + why);
  ValidateCharacterizationData(data);

  auto [log_k, log_s] = GridStart(data, white, options.saunderson);

  ceres::Problem problem;
  for (const CharacterizationSample& s : data.samples) {
    problem.AddResidualBlock(
        internal::NewSampleCost(s, Background(s, data), white, options.saunderson), nullptr,
        log_k.data(), log_s.data());
  }
  if (options.smoothness > 0.0) {
    problem.AddResidualBlock(internal::NewSmoothnessCost(options.smoothness), nullptr, log_k.data(),
                             log_s.data());
  }
  for (double* block : {log_k.data(), log_s.data()}) {
    for (int i = 0; i < kBands; ++i) {
      problem.SetParameterLowerBound(block, i, kLogMin);
      problem.SetParameterUpperBound(block, i, kLogMax);
    }
  }

  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = options.max_iterations;
  so.function_tolerance = 1e-12;
  so.gradient_tolerance = 1e-14;
  so.parameter_tolerance = 1e-10;
  so.logging_type = ceres::SILENT;
  so.minimizer_progress_to_stdout = false;
  so.num_threads = 1;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);

  CharacterizeResult result;
  result.summary.converged = summary.termination_type == ceres::CONVERGENCE;
  result.summary.initial_cost = summary.initial_cost;
  result.summary.final_cost = summary.final_cost;
  result.summary.iterations = static_cast<int>(summary.iterations.size()) - 1;
  result.summary.message = summary.message;
  for (int i = 0; i < kBands; ++i) {
    result.pigment.k[i] = std::exp(log_k[i]);
    result.pigment.s[i] = std::exp(log_s[i]);
  }

  const color::Colorimeter& d50 = color::D50Colorimeter();
  double sum = 0.0;
  for (const CharacterizationSample& s : data.samples) {
    SampleFit fit;
    fit.label = s.label;
    fit.predicted = PredictSample(s, data, result.pigment, white, options.saunderson);
    fit.measured_lab = color::XyzToLab(d50.Xyz36(s.reflectance.data()), d50.white());
    fit.predicted_lab = color::XyzToLab(d50.Xyz36(fit.predicted.data()), d50.white());
    fit.de00 = color::DeltaE00(fit.measured_lab, fit.predicted_lab);
    sum += fit.de00;
    result.max_de00 = std::max(result.max_de00, fit.de00);
    result.samples.push_back(std::move(fit));
  }
  result.mean_de00 = sum / static_cast<double>(result.samples.size());
  return result;
}

}  // namespace shadecast::blend
