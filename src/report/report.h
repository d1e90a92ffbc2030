#pragma once
// The consultation report: one self-contained HTML file (inline CSS and SVG, the photo embedded as a
// data URI, no network). Built from plain data; the caller encodes the photo (re-encoded from
// pixels, so no EXIF or GPS survives) and writes the file.
#include <string>
#include <vector>

#include "color/triple.h"

namespace shadecast::report {

struct Swatch {
  std::string label;
  color::Lab lab{};
};

struct MixPart {
  std::string pigment;
  std::string amount;  // e.g. "9 parts" or "90 %"
};

struct SessionRow {
  int session = 0;
  double water_ml_per_ml = 0;
  color::Lab predicted_lab{};
  std::string note;
  // The look match's plan (empty / 0: not shown).
  std::string date, shade, needle;
  double density_per_cm2 = 0, hairline_density_per_cm2 = 0;
};

// The stubble against the predicted healed look at one viewing distance.
struct LookRow {
  std::string label;       // "Close up (0.4 m)"
  std::string who;         // "the technician, a mirror"
  color::Lab target{}, predicted{};
  double de00 = 0;
};

struct FadePoint {
  double years = 0;         // since the last session
  double contrast_p10 = 0;  // dot-to-skin contrast, dE00
  double contrast_p50 = 0;
  double contrast_p90 = 0;
};

struct ReportData {
  std::string title = "Scalp micropigmentation consultation";
  std::string clinic_name;          // printed above the title when set
  std::string client_id, client_name, date;
  Swatch follicle, skin;
  std::string undertone;            // e.g. "warm, ITA 38 deg (intermediate), Monk 4"
  std::vector<std::string> warnings;  // photo quality, unreachable target...
  std::string photo_png;            // PNG bytes (detections drawn), may be empty
  std::string photo_caption;
  std::vector<MixPart> mix;
  Swatch predicted;                 // healed dot, predicted
  double predicted_de00 = 0;
  bool reachable = true;
  std::string miss;
  std::vector<SessionRow> sessions;
  std::vector<LookRow> look;        // target vs predicted at each distance (the look match)
  std::string recipe_words;         // "shade 8: 1 ml ink + 8 ml water, needle 1RL #10, 60 dots per cm2"
  // Fade forecast.
  std::vector<FadePoint> fade;
  double trigger_contrast = 0;      // contrast at which a touch-up is due (line on the chart)
  double touch_up_years = -1;       // median, since the last session; < 0 when none in the horizon
  std::string touch_up_date, touch_up_p10, touch_up_p90;
  std::string forecast_note;
  // Camera profile.
  std::string profile_name, profile_model;
  double profile_loo_mean_de00 = -1;
};

// The whole HTML document.
std::string RenderHtml(const ReportData& d);

}  // namespace shadecast::report
