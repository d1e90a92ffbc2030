#pragma once
// Absorption spectra of the skin's chromophores on the 36-band grid, in mm^-1.
#include "color/spectrum.h"

namespace shadecast::optics {

struct Chromophores {
  // Melanosome absorption: eumelanin 6.6e11 lambda^-3.33 cm^-1, pheomelanin 2.9e15 lambda^-4.75
  // cm^-1, lambda in nm (Jacques/OMLC; Donner & Jensen 2006 give the same in mm^-1 with 10x
  // smaller prefactors).
  color::Spectral36 eumelanin{};
  color::Spectral36 pheomelanin{};
  // Whole blood (150 g/L haemoglobin), fully oxygenated and deoxygenated (S. Prahl, OMLC, from
  // Gratzer and Kollias), sampled at the band centres.
  color::Spectral36 blood_oxy{};
  color::Spectral36 blood_deoxy{};
  // Bloodless tissue baseline 0.244 + 85.3 exp(-(lambda - 154)/66.2) cm^-1 (Jacques 1998).
  color::Spectral36 baseline{};
};

// Computed once from the embedded tables.
const Chromophores& GetChromophores();

}  // namespace shadecast::optics
