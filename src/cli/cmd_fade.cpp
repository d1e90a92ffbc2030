// shadecast fade fit-cohort: re-estimate the fade model's population priors from a clinic's histories.
#include <cstdio>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/fade_inputs.h"
#include "cli/inputs.h"
#include "fade/cohort.h"
#include "shadecast/forecast.pb.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {

inline constexpr int kExitSomeSkipped = 4;

struct FitCohortCliOptions {
  std::string histories, out, priors, params, library;
  int iterations = fade::CohortFitOptions{}.iterations;
  int threads = 0;
  bool json = false;
};

int RunFitCohort(const FitCohortCliOptions& o) {
  try {
    store::MessageFormatFromPath(o.out);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--out: ") + e.what());
  }
  const fade::FadePriors start = LoadPriors(o.priors);
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  fade::CohortFitOptions co;
  co.iterations = o.iterations;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  co.threads = o.threads > 0 ? o.threads : static_cast<int>(hw);
  std::string why;
  if (!co.IsValid(&why)) throw InputError("--iterations/--threads: " + why);

  const auto files = ListHistoryFiles(o.histories, "--histories");
  std::vector<fade::ClientData> clients;
  clients.reserve(files.size());
  int skipped = 0;
  for (const auto& f : files) {
    try {
      clients.push_back(fade::BuildClient(ReadHistory(f), lib->pigments, start, params, f.stem().string()));
    } catch (const std::exception& e) {
      ++skipped;
      std::fprintf(stderr, "shadecast: skipped %s: %s\n", f.string().c_str(), e.what());
    }
  }
  if (clients.empty()) throw InputError("--histories: no usable history in '" + o.histories + "'");
  std::vector<std::unique_ptr<fade::PreparedClient>> prepared;
  std::vector<const fade::PreparedClient*> ptrs;
  for (const auto& c : clients) {
    prepared.push_back(std::make_unique<fade::PreparedClient>(c));
    ptrs.push_back(prepared.back().get());
  }
  const fade::CohortFitResult r = fade::FitCohort(ptrs, start, co);
  pb::FadePriors msg;
  fade::ToProto(r.priors, &msg);
  store::WriteMessageAtomic(o.out, msg);
  if (o.json) {
    PrintJson({{"clients", r.clients},
               {"skipped", skipped},
               {"not_converged", r.not_converged},
               {"population_median_rate_per_year", r.population_median_rate},
               {"out", o.out},
               {"priors", MessageToJson(msg)}});
  } else {
    std::printf("%d clients (%d skipped, %d fits not converged in the last iteration)\n", r.clients, skipped,
                r.not_converged);
    std::printf("rate_per_year %.4f (log sd %.3f), population median %.4f /yr\n", r.priors.rate_per_year,
                r.priors.log_rate_sd, r.population_median_rate);
    std::printf("healing_loss %.3f, c_inf %.3f, deposit scale log mean %.3f sd %.3f\n", r.priors.healing_loss,
                r.priors.c_inf, r.priors.deposit_log_mean, r.priors.deposit_log_sd);
    std::printf("written %s\n", o.out.c_str());
  }
  return skipped > 0 ? kExitSomeSkipped : kExitOk;
}

void RegisterFade(CLI::App& app, Action& action) {
  CLI::App* fade = app.add_subcommand("fade", "Fade model: population priors from a clinic's follow-ups");
  fade->require_subcommand(1);
  auto o = std::make_shared<FitCohortCliOptions>();
  CLI::App* fc = fade->add_subcommand("fit-cohort", "Re-estimate the population priors from many clients' histories");
  fc->add_option("--histories", o->histories, "folder of ClientHistory files")->required();
  fc->add_option("--out", o->out, "priors file to write (FadePriors .textproto/.pb/.json)")->required();
  fc->add_option("--priors", o->priors, "starting priors (default: built-in)");
  fc->add_option("--params", o->params, "optics parameters file");
  fc->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  fc->add_option("--iterations", o->iterations, "EM iterations")->capture_default_str();
  fc->add_option("--threads", o->threads, "threads (default: every core)");
  fc->add_flag("--json", o->json, "JSON output");
  fc->callback([&action, o] { action = [o] { return RunFitCohort(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(61, "fade", RegisterFade);

}  // namespace shadecast::cli
