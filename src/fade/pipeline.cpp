#include "fade/pipeline.h"

#include <cmath>

#include "fade/date.h"

namespace shadecast::fade {

ForecastResult ForecastHistory(const pb::ClientHistory& history, const std::vector<optics::PigmentKS>& library,
                               const FadePriors& priors, const optics::ModelParams& params,
                               const PipelineOptions& options, const std::string& fallback_name) {
  ClientData client = BuildClient(history, library, priors, params, fallback_name);
  int until = INT_MAX;
  if (options.fit_until_months >= 0) {
    until = client.first_day() + static_cast<int>(std::lround(options.fit_until_months * kDaysPerYear / 12));
    // A back-test: neither the later follow-ups nor the later sessions are known (issue 19).
    CutAfter(&client, until);
  }
  const std::vector<std::string> notes = CleanVisits(&client, options.forecast.as_of_day);
  const PreparedClient prepared(client, until);
  const FitResult fit = FitClient(prepared, priors, options.fit);
  ForecastResult r = Forecast(prepared, fit, priors, options.forecast);
  r.notes = notes;
  return r;
}

}  // namespace shadecast::fade
