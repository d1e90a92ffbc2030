#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "color/icc.h"

namespace shadecast::report {
namespace {

std::string Escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string Hex(const color::Lab& lab) {
  const auto rgb = color::LabToSrgb8(lab);  // LittleCMS, relative colorimetric
  char b[8];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return b;
}

std::string LabText(const color::Lab& l) {
  return "L* " + Fmt("%.1f", l[0]) + " a* " + Fmt("%.1f", l[1]) + " b* " + Fmt("%.1f", l[2]);
}

std::string SwatchHtml(const Swatch& s) {
  return "<figure class=\"swatch\"><div class=\"chip\" style=\"background:" + Hex(s.lab) + "\"></div><figcaption><b>" +
         Escape(s.label) + "</b><br>" + LabText(s.lab) + "</figcaption></figure>";
}

std::string Base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += t[v >> 6 & 63];
    out += t[v & 63];
  }
  if (i < in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    if (i + 1 < in.size()) v |= (unsigned char)in[i + 1] << 8;
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += i + 1 < in.size() ? t[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// The fade chart: contrast to skin against years, the 10-90 % band, the trigger line and marker.
std::string FadeSvg(const ReportData& d) {
  const double W = 640, H = 260, L = 50, R = 20, T = 15, B = 35;
  double ymax = d.trigger_contrast;
  double xmax = 1;
  for (const auto& p : d.fade) {
    ymax = std::max(ymax, p.contrast_p90);
    xmax = std::max(xmax, p.years);
  }
  ymax = std::ceil(ymax / 5.0) * 5.0 + 1e-9;
  auto X = [&](double x) { return L + (W - L - R) * x / xmax; };
  auto Y = [&](double y) { return T + (H - T - B) * (1 - y / ymax); };
  std::string svg = "<svg id=\"fade-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Fmt("%.0f", W) + " " +
                    Fmt("%.0f", H) + "\" width=\"" + Fmt("%.0f", W) + "\" height=\"" + Fmt("%.0f", H) + "\">";
  svg += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
  for (int k = 0; k <= 4; ++k) {
    const double y = ymax * k / 4;
    svg += "<line x1=\"" + Fmt("%.1f", L) + "\" x2=\"" + Fmt("%.1f", W - R) + "\" y1=\"" + Fmt("%.1f", Y(y)) + "\" y2=\"" +
           Fmt("%.1f", Y(y)) + "\" stroke=\"#e5e5e5\"/><text x=\"" + Fmt("%.1f", L - 6) + "\" y=\"" + Fmt("%.1f", Y(y) + 4) +
           "\" text-anchor=\"end\" font-size=\"11\">" + Fmt("%.0f", y) + "</text>";
  }
  for (int yr = 0; yr <= static_cast<int>(xmax); ++yr)
    svg += "<text x=\"" + Fmt("%.1f", X(yr)) + "\" y=\"" + Fmt("%.1f", H - B + 16) + "\" text-anchor=\"middle\" font-size=\"11\">" +
           std::to_string(yr) + "</text>";
  svg += "<text x=\"" + Fmt("%.1f", (L + W - R) / 2) + "\" y=\"" + Fmt("%.1f", H - 4) +
         "\" text-anchor=\"middle\" font-size=\"12\">years after the last session</text>";
  svg += "<text x=\"12\" y=\"" + Fmt("%.1f", (T + H - B) / 2) + "\" font-size=\"12\" transform=\"rotate(-90 12 " +
         Fmt("%.1f", (T + H - B) / 2) + ")\" text-anchor=\"middle\">contrast to skin (dE00)</text>";
  if (!d.fade.empty()) {
    std::string band = "M";
    for (const auto& p : d.fade) band += Fmt("%.1f", X(p.years)) + "," + Fmt("%.1f", Y(p.contrast_p90)) + " L";
    for (auto it = d.fade.rbegin(); it != d.fade.rend(); ++it)
      band += Fmt("%.1f", X(it->years)) + "," + Fmt("%.1f", Y(it->contrast_p10)) + " L";
    band.resize(band.size() - 2);
    svg += "<path id=\"fade-band\" d=\"" + band + " Z\" fill=\"#9db7d5\" fill-opacity=\"0.45\" stroke=\"none\"/>";
    std::string line = "M";
    for (const auto& p : d.fade) line += Fmt("%.1f", X(p.years)) + "," + Fmt("%.1f", Y(p.contrast_p50)) + " L";
    line.resize(line.size() - 2);
    svg += "<path id=\"fade-median\" d=\"" + line + "\" fill=\"none\" stroke=\"#1d4f8a\" stroke-width=\"2\"/>";
  }
  if (d.trigger_contrast > 0)
    svg += "<line id=\"trigger-line\" x1=\"" + Fmt("%.1f", L) + "\" x2=\"" + Fmt("%.1f", W - R) + "\" y1=\"" +
           Fmt("%.1f", Y(d.trigger_contrast)) + "\" y2=\"" + Fmt("%.1f", Y(d.trigger_contrast)) +
           "\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>";
  if (d.touch_up_years >= 0)
    svg += "<line id=\"touch-up-marker\" x1=\"" + Fmt("%.1f", X(d.touch_up_years)) + "\" x2=\"" + Fmt("%.1f", X(d.touch_up_years)) +
           "\" y1=\"" + Fmt("%.1f", T) + "\" y2=\"" + Fmt("%.1f", H - B) + "\" stroke=\"#c0392b\" stroke-width=\"2\"/>"
           "<text x=\"" + Fmt("%.1f", X(d.touch_up_years) + 4) + "\" y=\"" + Fmt("%.1f", T + 12) +
           "\" font-size=\"12\" fill=\"#c0392b\">touch-up</text>";
  svg += "<line x1=\"" + Fmt("%.1f", L) + "\" x2=\"" + Fmt("%.1f", L) + "\" y1=\"" + Fmt("%.1f", T) + "\" y2=\"" +
         Fmt("%.1f", H - B) + "\" stroke=\"#333\"/><line x1=\"" + Fmt("%.1f", L) + "\" x2=\"" + Fmt("%.1f", W - R) + "\" y1=\"" +
         Fmt("%.1f", H - B) + "\" y2=\"" + Fmt("%.1f", H - B) + "\" stroke=\"#333\"/></svg>";
  return svg;
}

// How big a colour difference is, in a technician's words (CIEDE2000: about 1 is the smallest
// difference most people notice side by side).
std::string DifferenceWords(double de00) {
  if (de00 <= 1.0) return "looks the same";
  if (de00 <= 2.0) return "barely different";
  if (de00 <= 3.5) return "a slight difference";
  return "a visible difference";
}

std::string LookHtml(const ReportData& d) {
  std::string h = "<h2>How it will look</h2><table id=\"look\"><tr><th>Seen from</th><th>Client's stubble</th><th></th>"
                  "<th>Healed dots (predicted)</th><th></th><th>Difference</th></tr>";
  for (const auto& r : d.look)
    h += "<tr><td>" + Escape(r.label) + "<br><span class=\"dim\">" + Escape(r.who) + "</span></td><td>" + LabText(r.target) +
         "</td><td><span class=\"mini\" style=\"background:" + Hex(r.target) + "\"></span></td><td>" + LabText(r.predicted) +
         "</td><td><span class=\"mini\" style=\"background:" + Hex(r.predicted) + "\"></span></td><td><b>" +
         DifferenceWords(r.de00) + "</b> (" + Fmt("%.1f", r.de00) + " dE00)</td></tr>";
  h += "</table><p class=\"dim\">Close up: the colour of a typical dot or follicle as the eye sees it at that distance. "
       "From 1.5 m: the overall tone of the area. dE00 is the colour difference; about 1 is the smallest most people "
       "notice side by side.</p>";
  return h;
}

std::string SessionsHtml(const ReportData& d) {
  const bool look = !d.sessions.empty() && !d.sessions.front().shade.empty();
  std::string h = "<h2>Session plan</h2><table id=\"plan\"><tr><th>Session</th>";
  h += look ? "<th>Date</th><th>Shade</th><th>Needle</th><th>Dots per cm&sup2;</th>" : "<th>Mix</th>";
  h += "<th>Healed (predicted)</th><th></th><th>Note</th></tr>";
  for (const auto& s : d.sessions) {
    h += "<tr><td>" + std::to_string(s.session) + "</td>";
    if (look)
      h += "<td>" + Escape(s.date) + "</td><td>" + Escape(s.shade) + "</td><td>" + Escape(s.needle) + "</td><td>" +
           Fmt("%.0f", s.density_per_cm2) + " (" + Fmt("%.0f", s.hairline_density_per_cm2) + " at the hairline)</td>";
    else
      h += "<td>1 ml mix + " + Fmt("%.1f", s.water_ml_per_ml) + " ml distilled water</td>";
    h += "<td>" + LabText(s.predicted_lab) + "</td><td><span class=\"mini\" style=\"background:" + Hex(s.predicted_lab) +
         "\"></span></td><td>" + Escape(s.note) + "</td></tr>";
  }
  return h + "</table>";
}

}  // namespace

std::string RenderHtml(const ReportData& d) {
  std::string h;
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Escape(d.title) + "</title><style>"
       "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:900px}"
       "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ddd}"
       ".swatches{display:flex;gap:18px;flex-wrap:wrap}.swatch{margin:0}.chip{width:120px;height:80px;border:1px solid #999;border-radius:4px}"
       "figcaption{font-size:12px;margin-top:4px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}"
       ".warn{background:#fff3cd;border:1px solid #e0c36a;padding:6px 10px;margin:4px 0}.dim{color:#666;font-size:12px}"
       ".mini{display:inline-block;width:28px;height:16px;border:1px solid #999;vertical-align:middle}"
       "</style></head><body>";
  if (!d.clinic_name.empty()) h += "<div class=\"clinic\">" + Escape(d.clinic_name) + "</div>";
  h += "<h1>" + Escape(d.title) + "</h1><div class=\"dim\">Client " + Escape(d.client_id) +
       (d.client_name.empty() ? "" : " &middot; " + Escape(d.client_name)) + " &middot; " + Escape(d.date) + "</div>";
  for (const auto& w : d.warnings) h += "<div class=\"warn\">" + Escape(w) + "</div>";

  h += "<h2>Measured</h2><div class=\"swatches\" id=\"measured-swatches\">" + SwatchHtml(d.follicle) + SwatchHtml(d.skin) + "</div>";
  if (!d.undertone.empty()) h += "<p>Skin undertone: " + Escape(d.undertone) + "</p>";
  if (!d.photo_png.empty())
    h += "<figure><img id=\"photo\" alt=\"scalp photo with detected follicles\" style=\"max-width:100%\" src=\"data:image/png;base64," +
         Base64(d.photo_png) + "\"><figcaption>" + Escape(d.photo_caption) + "</figcaption></figure>";

  h += "<h2>Recommended mix</h2><p id=\"mix\">";
  if (!d.recipe_words.empty()) h += Escape(d.recipe_words) + "<br>";
  for (size_t i = 0; i < d.mix.size(); ++i) h += (i ? " + " : "") + Escape(d.mix[i].pigment) + " <b>" + Escape(d.mix[i].amount) + "</b>";
  h += "</p><div class=\"swatches\" id=\"target-swatches\">" + SwatchHtml({"Target (follicle)", d.follicle.lab}) +
       SwatchHtml(d.predicted) + "</div><p>Predicted healed result is " + Fmt("%.1f", d.predicted_de00) +
       " dE00 from the follicle shade" + (d.reachable ? "." : ": <b>not reachable with these inks</b> (" + Escape(d.miss) + ").") + "</p>";

  if (!d.look.empty()) h += LookHtml(d);
  h += SessionsHtml(d);

  h += "<h2>How it will fade</h2>" + FadeSvg(d) + "<p>";
  if (!d.touch_up_date.empty())
    h += "Touch-up expected around <b>" + Escape(d.touch_up_date) + "</b> (likely between " + Escape(d.touch_up_p10) + " and " +
         Escape(d.touch_up_p90) + ").";
  else
    h += "No touch-up expected within the forecast horizon.";
  h += " Band: 10&ndash;90 % of outcomes; dashed line: the contrast at which a touch-up is due.</p>";
  if (!d.forecast_note.empty()) h += "<p class=\"dim\">" + Escape(d.forecast_note) + "</p>";

  h += "<h2>Camera</h2><p class=\"dim\">";
  if (d.profile_name.empty())
    h += "No camera profile recorded.";
  else
    h += "Profile " + Escape(d.profile_name) + " (" + Escape(d.profile_model) + ")" +
         (d.profile_loo_mean_de00 >= 0 ? ", held-out accuracy " + Fmt("%.2f", d.profile_loo_mean_de00) + " dE00 mean" : "") + ".";
  h += " Colours are CIELAB D50; swatches are shown through LittleCMS in sRGB.</p></body></html>\n";
  return h;
}

}  // namespace shadecast::report
