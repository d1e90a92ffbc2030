// The shadecast command-line program: parses the subcommand, runs it, maps errors to exit codes.
#include <glog/logging.h>

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace shadecast::cli;
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = 2;  // quiet unless --verbose

  CLI::App app{"shadecast: measured shade matching for scalp micropigmentation"};
  app.name("shadecast");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every subcommand");
  Globals globals;
  app.add_flag("--verbose", globals.verbose, "show solver and library logging");
  Action action;
  RegisterAll(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "shadecast: error: " << e.what() << "\nRun with --help for usage.\n";
    return kExitBadInput;
  }
  SetGlobals(globals);
  if (globals.verbose) FLAGS_minloglevel = 0;
  if (!action) {
    std::cerr << app.help();
    return kExitBadInput;
  }
  try {
    return action();
  } catch (const ChartNotFoundError& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitChartNotFound;
  } catch (const NotThisChartError& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitNotThisChart;
  } catch (const PoorCalibrationError& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitPoorCalibration;
  } catch (const InputError& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::runtime_error& e) {
    std::cerr << "shadecast: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "shadecast: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
