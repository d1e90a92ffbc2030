// shadecast color delta-e | lab
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "color/adapt.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"
#include "store/files.h"

namespace shadecast::cli {
namespace {

struct DeltaEOptions {
  std::string lab1, lab2;
  bool json = false;
};

int RunDeltaE(const DeltaEOptions& o) {
  const color::Lab a = ParseTriple(o.lab1, "LAB1");
  const color::Lab b = ParseTriple(o.lab2, "LAB2");
  for (const auto& [lab, name] : {std::pair{a, "LAB1"}, std::pair{b, "LAB2"}}) {  // 1e308 printed -nan
    CheckRange(lab[0], 0, 100, name, "L*");
    CheckRange(lab[1], -200, 200, name, "a*");
    CheckRange(lab[2], -200, 200, name, "b*");
  }
  const double de00 = color::DeltaE00(a, b);
  const double de76 = color::DeltaE76(a, b);
  if (o.json) {
    PrintJson({{"de00", de00}, {"de76", de76}});
  } else {
    std::printf("dE00 %.4f  (dE*ab %.4f)\n", de00, de76);
  }
  return kExitOk;
}

struct LabOptions {
  std::string spectrum;
  std::string illuminant = "D50";
  double scale = 1.0;
  bool json = false;
};

int RunLab(const LabOptions& o) {
  const color::SampledSpectrum light = LoadIlluminant(o.illuminant);
  const color::CsvTable table = color::ParseCsv(store::ReadFile(o.spectrum), o.spectrum);
  std::vector<color::SampledSpectrum> spectra;
  try {
    spectra = color::SpectraFromCsv(table, o.scale);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
  for (const auto& s : spectra)
    for (double v : s.values)
      if (v < -0.01 || v > 1.5)
        throw InputError(o.spectrum + ": column '" + s.name + "' has reflectance " + std::to_string(v) +
                         ", expected a fraction 0-1 (use --percent for percent)");

  // Seen under `light`, relative to that light's own white, then adapted (Bradford) to the white
  // of the D50 SPD computed the same way, and expressed as L*a*b* against that D50 white.
  const color::Colorimeter under(light);
  const color::Colorimeter& d50 = color::D50Colorimeter();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& s : spectra) {
    const color::Xyz xyz = color::BradfordAdapt(under.ToXyz(s), under.white(), d50.white());
    const color::Lab lab = color::XyzToLab(xyz, d50.white());
    all.push_back({{"name", s.name}, {"lab", {lab[0], lab[1], lab[2]}}});
    if (!o.json) std::printf("%-24s L* %7.3f  a* %7.3f  b* %7.3f\n", s.name.c_str(), lab[0], lab[1], lab[2]);
  }
  if (o.json) {
    nlohmann::json out = {{"lab", all[0]["lab"]}, {"name", all[0]["name"]}, {"illuminant", light.name}};
    if (all.size() > 1) out["spectra"] = all;
    PrintJson(out);
  }
  return kExitOk;
}

void RegisterColor(CLI::App& app, Action& action) {
  CLI::App* color = app.add_subcommand("color", "Colour arithmetic: CIEDE2000, spectra to L*a*b* D50");
  color->require_subcommand(1);

  auto de = std::make_shared<DeltaEOptions>();
  CLI::App* cde = color->add_subcommand("delta-e", "CIEDE2000 (and dE*ab) between two L*a*b* colours");
  cde->add_option("LAB1", de->lab1, "first colour as L,a,b")->required();
  cde->add_option("LAB2", de->lab2, "second colour as L,a,b")->required();
  cde->add_flag("--json", de->json, "print {\"de00\": ..., \"de76\": ...}");
  cde->callback([&action, de] { action = [de] { return RunDeltaE(*de); }; });

  auto lab = std::make_shared<LabOptions>();
  CLI::App* cl = color->add_subcommand(
      "lab", "L*a*b* D50 of reflectance spectra seen under an illuminant (Bradford-adapted to D50)");
  cl->add_option("--spectrum", lab->spectrum,
                 "CSV: wavelength_nm then one reflectance column (fraction 0-1) per spectrum")
      ->required();
  cl->add_option("--illuminant", lab->illuminant,
                 "CIE name (A, D50, D65, FL2, FL11, LED-B1...LED-V2) or a CSV of wavelength,power")
      ->capture_default_str();
  cl->add_flag_function(
      "--percent", [lab](int64_t) { lab->scale = 0.01; }, "reflectance columns are in percent");
  cl->add_flag("--json", lab->json, "print {\"lab\": [L, a, b], ...}");
  cl->callback([&action, lab] { action = [lab] { return RunLab(*lab); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(90, "color", RegisterColor);

}  // namespace shadecast::cli
