// shadecast measure: JSON keys (the contract), batch CSV, overlay, bad input.
#include <catch2/catch.hpp>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <fstream>

#include "color/ciede2000.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

TEST_CASE("measure --chart-in-frame --json on a synthetic scalp photo", "[cli][measure]") {
  TempDir dir;
  const auto img = dir / "scalp.jpg", truth = dir / "truth.json";
  REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --with-chart --blur-px 1.5 "
                       "--jpeg 95 --seed 11 --out " + img.string() + " --truth " + truth.string())
              .exit_code == 0);
  const auto r = RunShadecast("measure --image " + img.string() + " --chart-in-frame --json --overlay " +
                              (dir / "overlay.png").string());
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto t = nlohmann::json::parse(shadecast::test::ReadText(truth));
  for (const char* k : {"lab", "count", "spread_de00"}) CHECK(j["follicle"].contains(k));
  CHECK(j["follicle"]["lab"].size() == 3);
  CHECK(j["skin"]["lab"].size() == 3);
  for (const char* k : {"class", "hue_deg", "chroma", "ita_deg", "ita_category", "monk"}) CHECK(j["undertone"].contains(k));
  CHECK(j["quality"]["flags"].is_array());
  // Skin through the spectral model of the same chart (the default --skin-model): within 1.5 dE00 of
  // the truth's skin (bench median 0.64, max 0.91 over 24 photos; docs/benchmarks.md), and the
  // chart model for skin when asked.
  CHECK(j["skin_color_model"] == "spectral");
  const auto& sl = j["skin"]["lab"];
  const auto& tl = t["skin"]["lab"];
  CHECK(shadecast::color::DeltaE00(shadecast::color::Lab{sl[0], sl[1], sl[2]},
                                   shadecast::color::Lab{tl[0], tl[1], tl[2]}) < 1.5);
  const auto one = RunShadecast("measure --image " + img.string() + " --chart-in-frame --skin-model rootpoly2 --json");
  REQUIRE(one.exit_code == 0);
  CHECK(nlohmann::json::parse(one.out)["skin_color_model"] == "rootpoly2");
  CHECK(RunShadecast("measure --image " + img.string() + " --chart-in-frame --skin-model bogus").exit_code == 2);
  // Follicle and dot cores through the spectral chart model by default (docs/measure.md, step 2),
  // rootpoly2 when asked; a bad name is a usage error.
  CHECK(j["color_model"] == "spectral");
  const auto rp = RunShadecast("measure --image " + img.string() + " --chart-in-frame --chart-model rootpoly2 --json");
  REQUIRE(rp.exit_code == 0);
  CHECK(nlohmann::json::parse(rp.out)["color_model"] == "rootpoly2");
  const auto bad = RunShadecast("measure --image " + img.string() + " --chart-in-frame --chart-model bogus");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--chart-model") != std::string::npos);
  // px/mm from the Nano's patch pitch vs the truth's exact 30 px/mm: within 1 % (detection refined to
  // ~0.5 px over a ~1000 px card).
  CHECK(j["px_per_mm"].get<double>() == Approx(30.0).epsilon(0.01));
  // Count within 10 % of the truth's 300 follicles (the criterion).
  CHECK(std::abs(j["follicle"]["count"].get<int>() - 300) <= 30);
  CHECK(fs::file_size(dir / "overlay.png") > 0);
  // The look at viewing distance (issue 18 contract keys) against the synthesiser's own look truth
  // (the same scene rendered clean through the CIE observer, synth/appearance_truth.h: no detection,
  // colour model or blur estimate in common with the measurement). Tolerances are the issue's
  // targets: near 1.5 dE00, regional 1.0 dE00, density 10 %.
  auto lab = [](const nlohmann::json& v) { return shadecast::color::Lab{v[0], v[1], v[2]}; };
  const auto& f = j["follicle"];
  const auto& tf = t["follicle"];
  for (const char* k : {"lab", "delta_l", "delta_c", "delta_h_deg", "diameter_mm"}) CHECK(f["near"].contains(k));
  for (const char* k : {"lab", "de00_to_skin"}) CHECK(f["regional"].contains(k));
  CHECK(j["quality"].contains("confidence"));
  REQUIRE(f["near"]["lab"].size() == 3);
  REQUIRE(tf["near"]["lab"].size() == 3);
  CHECK(shadecast::color::DeltaE00(lab(f["near"]["lab"]), lab(tf["near"]["lab"])) < 1.5);
  CHECK(shadecast::color::DeltaE00(lab(f["regional"]["lab"]), lab(tf["regional"]["lab"])) < 1.0);
  CHECK(f["density_per_cm2"].get<double>() == Approx(tf["density_per_cm2"].get<double>()).epsilon(0.10));
  CHECK(f["near"]["delta_l"].get<double>() < 0);

  const auto d = RunShadecast("measure --image " + img.string() + " --chart-in-frame --target dots --json");
  REQUIRE(d.exit_code == 0);
  CHECK(nlohmann::json::parse(d.out)["dots"].contains("count"));

  fs::create_directory(dir / "batch");
  fs::copy_file(img, dir / "batch" / "a.jpg");
  const auto b = RunShadecast("measure --images " + (dir / "batch").string() + " --chart-in-frame --csv " +
                              (dir / "out.csv").string());
  REQUIRE(b.exit_code == 0);
  CHECK_THAT(b.err, Catch::Contains("1/1"));
  CHECK_THAT(shadecast::test::ReadText(dir / "out.csv"), Catch::StartsWith("image,follicle_L,"));
}

TEST_CASE("measure: bad input exits 2 (3 without a chart) with a message", "[cli][measure]") {
  TempDir dir;
  CHECK(RunShadecast("measure --image nope.jpg --chart-in-frame").exit_code == 2);
  const auto r = RunShadecast("measure --image nope.jpg");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--profile"));
  CHECK(RunShadecast("measure --image x.jpg --chart-in-frame --target hairs").exit_code == 2);
  const auto img = dir / "plain.png";
  REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --size 600x450 --follicles 20 "
                       "--seed 2 --out " + img.string() + " --truth " + (dir / "t.json").string())
              .exit_code == 0);
  const auto nc = RunShadecast("measure --image " + img.string() + " --chart-in-frame");
  CHECK(nc.exit_code == 3);
  CHECK_THAT(nc.err, Catch::Contains("no colorchecker24_nano chart found"));
}

TEST_CASE("measure flags a JPEG saved below quality 92 for follicles", "[cli][measure]") {
  // Bench (docs/benchmarks.md, sixth session): median follicle dE00 0.80 at q95, 1.27 at q92, 2.84 at
  // q90, 6.33 at q85; the flag names the quality and what to do.
  TempDir dir;
  for (int q : {85, 95}) {
    const auto img = dir / ("q" + std::to_string(q) + ".jpg"), truth = dir / "truth.json";
    REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --with-chart --blur-px 1.5 "
                         "--jpeg " + std::to_string(q) + " --seed 3 --out " + img.string() +
                         " --truth " + truth.string())
                .exit_code == 0);
    const auto r = RunShadecast("measure --image " + img.string() + " --chart-in-frame --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    bool flagged = false;
    for (const auto& f : j["quality"]["flags"]) flagged = flagged || f == "jpeg_compression";
    INFO("quality " << q << ": " << r.out.substr(0, 400));
    CHECK(flagged == (q < 92));
    if (flagged) {
      bool says = false;
      for (const auto& m : j["quality"]["messages"])
        says = says || (m.get<std::string>().find("quality 85") != std::string::npos &&
                        m.get<std::string>().find("PNG") != std::string::npos);
      CHECK(says);
    }
  }
}

TEST_CASE("measure --chart-in-frame reads a 16-bit photo as linear, as calibrate does", "[cli][measure]") {
  // Reference: the synthesiser's truth for a linear 16-bit PNG (Canon, D65, Nano in frame, seed 3).
  // Decoded as sRGB (the old behaviour) the skin read L* 39.9 for a true 56.3 with only a "chart fits
  // poorly" warning; read as linear it is within 1.0 dE00 (measured 0.3) and the chart fits.
  TempDir dir;
  const auto img = dir / "linear.png", truth = dir / "truth.json";
  REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --with-chart --size 1600x1200 "
                       "--encoding linear16 --seed 3 --out " + img.string() + " --truth " + truth.string())
              .exit_code == 0);
  const auto r = RunShadecast("measure --image " + img.string() + " --chart-in-frame --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto t = nlohmann::json::parse(shadecast::test::ReadText(truth));
  const auto& sl = j["skin"]["lab"];
  const auto& tl = t["skin"]["lab"];
  const double de = shadecast::color::DeltaE00(shadecast::color::Lab{sl[0], sl[1], sl[2]},
                                               shadecast::color::Lab{tl[0], tl[1], tl[2]});
  INFO(r.out);
  CHECK(de < 1.0);
  CHECK(j["quality"]["chart_fit_de00"].get<double>() < 2.0);
}

TEST_CASE("measure flags vignetting as uneven light, a clean photo is not flagged", "[cli][measure]") {
  // Synthetic photos (Canon, D65, Nano in frame, JPEG q95, seed 5): vignetting 0.3 darkens the skin
  // toward the corners by ~4 L* and moves the measured skin ~2 dE00; the centre-to-corner fall-off
  // (3x3 grid, fitted against the squared distance, robust to the chart hiding cells) must raise
  // `uneven_light` (threshold 2.0 L*). Without vignetting it reads |fall-off| < 0.6 (measured <= 0.28
  // over 7 photos) and no flag.
  TempDir dir;
  for (const char* v : {"0", "0.3"}) {
    const auto img = dir / (std::string("v") + v + ".jpg");
    REQUIRE(RunShadecast(std::string("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --with-chart --size "
                                     "1600x1200 --jpeg 95 --seed 5 --vignetting ") + v + " --out " + img.string() +
                             " --truth " + (dir / "t.json").string())
                .exit_code == 0);
    const auto r = RunShadecast("measure --image " + img.string() + " --chart-in-frame --json");
    REQUIRE(r.exit_code == 0);
    const auto q = nlohmann::json::parse(r.out)["quality"];
    const bool flagged = std::find(q["flags"].begin(), q["flags"].end(), "uneven_light") != q["flags"].end();
    INFO("vignetting " << v << ": fall-off " << q["light_falloff_l"] << " flags " << q["flags"]);
    if (std::string(v) == "0") {
      CHECK(std::abs(q["light_falloff_l"].get<double>()) < 0.6);
      CHECK_FALSE(flagged);
    } else {
      CHECK(q["light_falloff_l"].get<double>() > 2.0);
      CHECK(flagged);
      CHECK_THAT(r.err, Catch::Contains("darker at the corners"));
    }
  }
}

TEST_CASE("a greyscale or CMYK photo is refused with what to do instead of being measured", "[cli][measure]") {
  // Issue 23: a greyscale scalp JPEG gave skin a* 0.5 "cool" with no flag; a CMYK JPEG was measured
  // without a word. Reference: the shipped sample photo (colour, measurable), made grey with OpenCV
  // (one channel, and three equal channels), and its start-of-frame patched to declare 4 components.
  TempDir dir;
  const std::string photo = shadecast::test::RepoFile("data/samples/consult_scalp.jpg").string();
  const cv::Mat colour = cv::imread(photo);
  REQUIRE(!colour.empty());
  cv::Mat grey, grey3;
  cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
  REQUIRE(cv::imwrite((dir / "grey.jpg").string(), grey));
  REQUIRE(cv::imwrite((dir / "grey3.png").string(), grey3));
  std::string bytes = shadecast::test::ReadText(photo);
  const auto sof = bytes.find("\xff\xc0");
  REQUIRE(sof != std::string::npos);
  bytes[sof + 9] = 4;  // number of components: CMYK
  std::ofstream(dir / "cmyk.jpg", std::ios::binary) << bytes;
  for (const char* f : {"grey.jpg", "grey3.png"}) {
    const auto r = RunShadecast(std::string("measure --chart-in-frame --image ") + f, dir.path());
    INFO(f << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(f) != std::string::npos);
    CHECK(r.err.find("black-and-white") != std::string::npos);
    CHECK(r.out.empty());
  }
  const auto cmyk = RunShadecast("measure --chart-in-frame --image cmyk.jpg", dir.path());
  CHECK(cmyk.exit_code == 2);
  CHECK(cmyk.err.find("cmyk.jpg: a CMYK JPEG") != std::string::npos);
  const auto cal = RunShadecast("calibrate --image grey.jpg --out p.pb", dir.path());
  CHECK(cal.exit_code == 2);
  CHECK(cal.err.find("black-and-white") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "p.pb"));
  CHECK(RunShadecast("measure --chart-in-frame --image '" + photo + "'", dir.path()).exit_code == 0);  // the colour original
}
