// `shadecast synth chart | patches` run as a user would: files, truth keys, errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "color/ciede2000.h"
#include "store/image_io.h"
#include "support/test_support.h"

namespace sc = shadecast::color;

using shadecast::test::ReadText;
using shadecast::test::RunShadecast;
using shadecast::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("synth chart writes an image and a JSON truth with the checked keys") {
  TempDir dir;
  const auto r = RunShadecast("synth chart --camera canon_eos_5d_mark_ii --illuminant D65 --size 640x480 --seed 4"
                              " --out c.png --truth t.json",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(dir / "c.png"));
  const auto j = nlohmann::json::parse(ReadText(dir / "t.json"));
  REQUIRE(j["patches"].size() == 24);
  CHECK(j["patches"][0]["name"] == "dark_skin");
  CHECK(j["patches"][0]["lab"].size() == 3);
  CHECK(j["patches"][18]["lab"][0].get<double>() > 90);  // white
  CHECK(j["corners"].size() == 4);
  CHECK(j["px_per_mm"].get<double>() > 0);
  CHECK(j["camera"] == "canon_eos_5d_mark_ii");
  CHECK(j["illuminant"] == "D65");
  CHECK(j["chart"] == "colorchecker24");
}

TEST_CASE("synth chart: same flags, same bytes, textproto truth, linear16 TIFF, JPEG") {
  TempDir dir;
  const std::string base = "synth chart --camera gauss_broad --illuminant A --size 400x300 --seed 9 ";
  REQUIRE(RunShadecast(base + "--out a.png --truth a.textproto", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast(base + "--out b.png --truth b.textproto", dir.path()).exit_code == 0);
  CHECK(ReadText(dir / "a.png") == ReadText(dir / "b.png"));
  const std::string tp = ReadText(dir / "a.textproto");
  CHECK_THAT(tp, Catch::Contains("patches {") && Catch::Contains("px_per_mm:") && Catch::Contains("corners {"));
  CHECK(RunShadecast(base + "--encoding linear16 --noise none --out l.tif --truth l.json", dir.path()).exit_code == 0);
  int bits = 0;
  const auto tif = shadecast::store::ReadImage(dir / "l.tif", &bits);
  CHECK(bits == 16);
  CHECK(tif.width == 400);
  CHECK(tif.height == 300);
  CHECK(RunShadecast(base + "--jpeg 80 --out j.jpg --truth j.json", dir.path()).exit_code == 0);
  CHECK(ReadText(dir / "j.jpg").substr(0, 2) == "\xFF\xD8");
}

TEST_CASE("synth patches matches the chart's camera RGB for the chart spectra") {
  // Reference: the chart truth's camera_rgb (same camera, light, exposure rule); the CSV prints 7
  // significant digits, so 1e-5 relative.
  TempDir dir;
  const std::string spectra = shadecast::test::RepoFile("calibration/charts/colorchecker24_babelcolor_average_spectra.csv");
  REQUIRE(RunShadecast("synth chart --camera gauss_narrow --illuminant FL2 --size 320x240 --out c.png --truth c.json",
                       dir.path())
              .exit_code == 0);
  const auto r = RunShadecast("synth patches --camera gauss_narrow --illuminant FL2 --spectra '" + spectra +
                                  "' --out rgb.csv --truth p.json",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto chart = nlohmann::json::parse(ReadText(dir / "c.json"));
  const auto patches = nlohmann::json::parse(ReadText(dir / "p.json"));
  std::ifstream csv(dir / "rgb.csv");
  std::string line;
  std::getline(csv, line);  // comment
  CHECK(line[0] == '#');
  std::getline(csv, line);
  CHECK(line == "index,r,g,b");
  for (int k = 0; k < 24; ++k) {
    REQUIRE(std::getline(csv, line));
    int index = 0;
    double rgb[3];
    REQUIRE(std::sscanf(line.c_str(), "%d,%lf,%lf,%lf", &index, &rgb[0], &rgb[1], &rgb[2]) == 4);
    CHECK(index == k + 1);
    for (int c = 0; c < 3; ++c)
      CHECK(rgb[c] == Approx(chart["patches"][k]["camera_rgb"][c].get<double>()).epsilon(1e-5));
    for (int c = 0; c < 3; ++c)
      CHECK(patches["patches"][k]["lab"][c].get<double>() ==
            Approx(chart["patches"][k]["lab"][c].get<double>()).margin(1e-9));
  }
}

TEST_CASE("synth: bad flags exit 2 with a clear message and leave no output file") {
  TempDir dir;
  {
    std::ofstream f(dir / "ir_camera.csv");
    f << "# infrared only\nnm,r,g,b\n800,1,1,1\n900,1,1,1\n";
    std::ofstream g(dir / "garbage.csv");
    g << "wavelength,r,g,b\n400,a,b,c\n700,1,1,1\n";
  }
  const std::string tail = " --out o.png --truth o.json";
  struct Case {
    std::string args, message;
  } cases[] = {
      {"synth chart --camera no_such_cam --illuminant D65" + tail, "unknown camera 'no_such_cam'"},
      {"synth chart --camera gauss_broad --illuminant D77" + tail, "unknown illuminant 'D77'"},
      {"synth chart --camera gauss_broad --illuminant D65 --size -640x480" + tail, "--size"},
      {"synth chart --camera gauss_broad --illuminant D65 --size 640" + tail, "WIDTHxHEIGHT"},
      {"synth chart --camera ./missing.csv --illuminant D65" + tail, "cannot read ./missing.csv"},
      {"synth chart --camera ./ir_camera.csv --illuminant D65" + tail, "do not cover the visible range"},
      {"synth chart --camera ./garbage.csv --illuminant D65" + tail, "expected a number"},
      {"synth chart --camera gauss_broad --illuminant ./missing.csv" + tail, "cannot read ./missing.csv"},
      {"synth chart --camera gauss_broad --illuminant D65 --chart nope" + tail, "unknown chart 'nope'"},
      {"synth chart --camera gauss_broad --illuminant D65 --noise loud" + tail, "--noise"},
      {"synth chart --camera gauss_broad --illuminant D65 --encoding srgb16" + tail, "unknown encoding"},
      {"synth chart --camera gauss_broad --illuminant D65 --jpeg 90" + tail, "--jpeg"},
      {"synth chart --camera gauss_broad --illuminant D65 --encoding linear16 --out o.jpg --truth o.json", "16-bit"},
      {"synth chart --camera gauss_broad --illuminant D65 --out o.png --truth o.yaml", "--truth"},
      {"synth patches --camera gauss_broad --illuminant D65 --spectra ./missing.csv --out o.csv --truth o.json",
       "cannot read ./missing.csv"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = RunShadecast(c.args, dir.path());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(dir / "o.png"));
    CHECK_FALSE(fs::exists(dir / "o.json"));
    CHECK_FALSE(fs::exists(dir / "o.csv"));
    CHECK_FALSE(fs::exists(dir / "o.jpg"));
  }
}

TEST_CASE("synth --help lists the subcommands") {
  for (const char* cmd : {"synth --help", "synth chart --help", "synth patches --help"}) {
    INFO(cmd);
    const auto r = RunShadecast(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("--camera") || Catch::Contains("chart"));
  }
}

// ---- synth scalp ---------------------------------------------------------------------------------

TEST_CASE("synth scalp writes an image and a JSON truth with the checked keys") {
  TempDir dir;
  const auto r = RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --size 640x480 --seed 4"
                              " --follicles 60 --dots 12 --dots-recipe carbon_black:1 --hairs 5 --out s.png"
                              " --truth t.json",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(dir / "s.png"));
  const auto j = nlohmann::json::parse(ReadText(dir / "t.json"));
  CHECK(j["skin"]["lab"].size() == 3);
  CHECK(j["follicle"]["lab"].size() == 3);
  CHECK(j["follicle"]["count"] == 60);
  CHECK(j["follicle"]["centers_px"].size() == 60);
  CHECK(j["dots"]["lab"].size() == 3);
  CHECK(j["dots"]["count"] == 12);
  CHECK(j["dots"]["centers_px"].size() == 12);
  CHECK(j["hairs"]["count"] == 5);
  CHECK(j["px_per_mm"].get<double>() == 30.0);
  CHECK(j["scene"] == "scalp");
  CHECK(j["camera"] == "canon_eos_5d_mark_ii");
  CHECK(j["patches"].empty());
  // Darkness order: hair-filled follicle and dot below the skin.
  CHECK(j["follicle"]["lab"][0].get<double>() < j["skin"]["lab"][0].get<double>() - 20);
  CHECK(j["dots"]["lab"][0].get<double>() < j["skin"]["lab"][0].get<double>() - 10);
}

TEST_CASE("synth scalp truth: skin equals optics render's, the dot its own Monte Carlo within 1.5 dE00 of it") {
  // Reference: `shadecast optics render --json` with the same recipe, load, depth and diameter;
  // --skin-variation 0 makes the frame's mean skin the nominal skin (node spectra are floats: 1e-3).
  // The truth's dot comes from the synthesiser's own photon-transport Monte Carlo, not the engine's
  // table interpolant: the two agree within 1.5 dE00 (the interpolant's worst case, bench).
  TempDir dir;
  const std::string dot = "--melanin 0.08 --blood 0.02 --dot-depth-mm 0.2 --dot-diameter-mm 0.7";
  const auto r = RunShadecast("synth scalp --camera gauss_broad --illuminant D50 --size 320x240 --follicles 10 "
                              "--hairs 0 --dots 2 --dots-recipe smp_carbon_black:9,smp_warm_neutralizer:1 --dots-load 0.8 "
                              "--skin-variation 0 " +
                                  dot + " --out s.png --truth t.textproto",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(ReadText(dir / "t.textproto"), Catch::Contains("dots {") && Catch::Contains("skin {"));
  REQUIRE(RunShadecast("synth scalp --camera gauss_broad --illuminant D50 --size 320x240 --follicles 10 --hairs 0 "
                       "--dots 2 --dots-recipe smp_carbon_black:9,smp_warm_neutralizer:1 --dots-load 0.8 --skin-variation 0 " +
                           dot + " --out s.png --truth t.json",
                       dir.path())
              .exit_code == 0);
  const auto optics = RunShadecast("optics render --pigment smp_carbon_black:9,smp_warm_neutralizer:1 --load 0.8 "
                                   "--melanin 0.08 --blood 0.02 --depth-mm 0.2 --dot-diameter-mm 0.7 --json",
                                   dir.path());
  INFO(optics.err);
  REQUIRE(optics.exit_code == 0);
  const auto o = nlohmann::json::parse(optics.out);
  const auto t = nlohmann::json::parse(ReadText(dir / "t.json"));
  sc::Lab truth_dot, model_dot;
  for (int c = 0; c < 3; ++c) {
    truth_dot[c] = t["dots"]["lab"][c].get<double>();
    model_dot[c] = o["dot_lab"][c].get<double>();
    CHECK(t["skin"]["lab"][c].get<double>() == Approx(o["skin_lab"][c].get<double>()).margin(1e-3));
  }
  INFO("truth dot " << truth_dot[0] << "," << truth_dot[1] << "," << truth_dot[2] << " model " << model_dot[0] << ","
                    << model_dot[1] << "," << model_dot[2]);
  CHECK(sc::DeltaE00(truth_dot, model_dot) < 1.5);
  CHECK(sc::DeltaE00(truth_dot, model_dot) > 0.0);  // not the same computation
}

TEST_CASE("synth scalp: same flags, same bytes, another seed differs, --with-chart puts the Nano in frame") {
  TempDir dir;
  const std::string base = "synth scalp --camera gauss_narrow --illuminant A --size 400x300 --follicles 40 --hairs 3 ";
  REQUIRE(RunShadecast(base + "--seed 9 --out a.png --truth a.json", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast(base + "--seed 9 --out b.png --truth b.json", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast(base + "--seed 10 --out c.png --truth c.json", dir.path()).exit_code == 0);
  CHECK(ReadText(dir / "a.png") == ReadText(dir / "b.png"));
  CHECK(ReadText(dir / "a.json") == ReadText(dir / "b.json").replace(ReadText(dir / "b.json").find("b.png"), 5, "a.png"));
  CHECK(ReadText(dir / "a.png") != ReadText(dir / "c.png"));

  const auto r = RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --size 1000x700 "
                              "--px-per-mm 15 --with-chart --follicles 80 --out n.jpg --jpeg 90 --truth n.json",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(ReadText(dir / "n.json"));
  REQUIRE(j["patches"].size() == 24);
  CHECK(j["patches"][0]["name"] == "dark_skin");
  CHECK(j["patches"][0]["lab"].size() == 3);
  CHECK(j["chart"] == "colorchecker24_nano");
  CHECK(j["px_per_mm"].get<double>() == 15.0);
  REQUIRE(j["corners"].size() == 4);
  for (const auto& c : j["corners"]) {
    CHECK(c["x"].get<double>() >= 0);
    CHECK(c["x"].get<double>() <= 999);
    CHECK(c["y"].get<double>() >= 0);
    CHECK(c["y"].get<double>() <= 699);
  }
}

TEST_CASE("synth scalp: bad flags exit 2 with a clear message and leave no output file") {
  TempDir dir;
  const std::string head = "synth scalp --camera gauss_broad --illuminant D65 --size 320x240 ";
  const std::string tail = " --out o.png --truth o.json";
  struct Case {
    std::string args, message;
  } cases[] = {
      {"synth scalp --camera no_such_cam --illuminant D65" + tail, "unknown camera 'no_such_cam'"},
      {"synth scalp --camera gauss_broad --illuminant D77" + tail, "unknown illuminant 'D77'"},
      {head + "--follicles -3" + tail, "--follicles"},
      {head + "--dots 5" + tail, "--dots-recipe"},
      {head + "--dots 5 --dots-recipe unobtainium:1" + tail, "no pigment 'unobtainium'"},
      {head + "--dots 5 --dots-recipe carbon_black:1 --dot-depth-mm -1" + tail, "--dot-depth-mm"},
      {head + "--dots 5 --dots-recipe carbon_black:1 --dots-load 0" + tail, "--dots-load"},
      {head + "--dots 100000 --dots-recipe carbon_black:1" + tail, "could place only"},
      {head + "--melanin 1.5" + tail, "--melanin"},
      {head + "--px-per-mm 0" + tail, "--px-per-mm"},
      {head + "--skin-variation 0.9" + tail, "--skin-variation"},
      {head + "--with-chart" + tail, "does not fit"},
      {head + "--blur-px -1" + tail, "--blur-px"},
      {"synth scalp --camera gauss_broad --illuminant D65 --size -320x240" + tail, "--size"},
      {head + "--params ./missing.textproto" + tail, "missing.textproto"},
      {head + "--jpeg 90" + tail, "--jpeg"},
      {head + "--encoding linear16 --out o.jpg --truth o.json", "16-bit"},
      {head + "--out o.png --truth o.yaml", "--truth"},
      {head + "--follicles lots" + tail, "--follicles"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = RunShadecast(c.args, dir.path());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(dir / "o.png"));
    CHECK_FALSE(fs::exists(dir / "o.json"));
    CHECK_FALSE(fs::exists(dir / "o.jpg"));
  }
  CHECK(RunShadecast("synth scalp --help").out.find("--dots-recipe") != std::string::npos);
}
