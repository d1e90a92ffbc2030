#pragma once
// One client end to end: history -> validated client -> MAP fit -> Monte Carlo forecast.
#include <string>
#include <vector>

#include "fade/forecast.h"

namespace shadecast::pb {
class ClientHistory;
}

namespace shadecast::fade {

struct PipelineOptions {
  ForecastOptions forecast;
  FitOptions fit;
  // Fit only the follow-ups up to this many months after the first session (back-tests); < 0: all.
  double fit_until_months = -1;
};

// Throws HistoryError (naming the client and the field) for a malformed history.
ForecastResult ForecastHistory(const pb::ClientHistory& history, const std::vector<optics::PigmentKS>& library,
                               const FadePriors& priors, const optics::ModelParams& params,
                               const PipelineOptions& options, const std::string& fallback_name = "");

}  // namespace shadecast::fade
