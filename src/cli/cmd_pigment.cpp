// shadecast pigment characterize | list
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "blend/characterize.h"
#include "cli/commands.h"
#include "cli/pigment_list.h"
#include "color/csv.h"
#include "store/files.h"
#include "store/pigment_library.h"

namespace shadecast::cli {
namespace {

namespace fs = std::filesystem;

// --white-library / --library: a path, or empty for the shipped default.
pb::PigmentLibrary LoadLibrary(const std::string& path, std::string* shown) {
  try {
    if (path.empty()) {
      const fs::path p = store::DefaultPigmentLibraryPath();
      *shown = p.string();
      return store::LoadPigmentLibrary(p);
    }
    *shown = path;
    return store::LoadPigmentLibrary(path);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
}

pb::PigmentRole ParseRole(const std::string& text) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  pb::PigmentRole role = pb::ROLE_UNSPECIFIED;
  if (!pb::PigmentRole_Parse(upper, &role) || role == pb::ROLE_UNSPECIFIED) {
    throw InputError("--role '" + text +
                     "': expected black, warm_neutralizer, cool_neutralizer or reference");
  }
  return role;
}

// As the protobuf enum spells it (BLACK, WARM_NEUTRALIZER, ...), so JSON matches the message's
// JSON.
std::string RoleName(pb::PigmentRole role) { return pb::PigmentRole_Name(role); }

// A snake_case id from a file stem ("My Pigment-2.textproto" -> "my_pigment_2").
std::string IdFromPath(const std::string& path) {
  std::string id;
  for (char c : fs::path(path).stem().string()) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!id.empty() && id.back() != '_')
      id += '_';
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id.empty() ? "characterized_pigment" : id;
}

// The message in the format the extension chooses (.pb binary, .json JSON, else text format).
std::string Serialize(const pb::Pigment& p, const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".pb") return p.SerializeAsString();
  if (ext == ".json") return MessageToJson(p).dump(2) + "\n";
  return store::PigmentToText(p);
}

struct CharacterizeCliOptions {
  std::string reflectance;
  std::string out;
  std::string id;
  std::string name;
  std::string colour_index;
  std::string role;
  std::string white_library;  // empty: the shipped default
  std::string white_id = "titanium_white";
  double scale = 1.0;
  blend::CharacterizeOptions fit;
  bool json = false;
};

int RunCharacterize(const CharacterizeCliOptions& o) {
  // Everything that can be wrong with the input is checked before the fit and before any write.
  std::string why;
  if (!o.fit.IsValid(&why)) throw InputError(why);
  const pb::PigmentRole role = o.role.empty() ? pb::ROLE_UNSPECIFIED : ParseRole(o.role);
  std::string white_source;
  const pb::PigmentLibrary lib = LoadLibrary(o.white_library, &white_source);
  blend::PigmentKs white;
  try {
    white = blend::PigmentKsFromProto(store::FindPigment(lib, o.white_id, white_source));
  } catch (const std::runtime_error& e) {
    throw InputError(std::string(e.what()) + " (choose the reference white with --white-id)");
  }
  blend::CharacterizationData data;
  try {
    data = blend::ParseCharacterizationCsv(
        color::ParseCsv(store::ReadFile(o.reflectance), o.reflectance), o.scale);
    blend::ValidateCharacterizationData(data);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }

  const blend::CharacterizeResult r = blend::Characterize(data, white, o.fit);

  pb::Pigment p;
  p.set_id(o.id.empty() ? IdFromPath(o.out) : o.id);
  p.set_name(o.name.empty() ? p.id() : o.name);
  p.set_colour_index(o.colour_index);
  p.set_role(role);
  blend::PigmentKsToProto(r.pigment, &p);
  const auto& so = o.fit.saunderson;
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "shadecast pigment characterize from %s (%zu samples); reference white '%s' from %s",
      o.reflectance.c_str(), data.samples.size(), o.white_id.c_str(), white_source.c_str());
  p.set_source(buf);
  std::snprintf(
      buf, sizeof buf,
      "Two-constant Kubelka-Munk K and S relative to the reference white's scale (its S = 1 per "
      "unit "
      "thickness in the default library); Saunderson k1 = %g (%s the measured value), k2 = %g; "
      "smoothness weight %g on log K, log S. Fit residual dE00 (D50) mean %.3f, max %.3f; %s.",
      so.k1, so.include_k1 ? "included in" : "excluded from", so.k2, o.fit.smoothness, r.mean_de00,
      r.max_de00, r.summary.BriefReport().c_str());
  p.set_assumptions(buf);

  try {
    store::WriteFileAtomic(o.out, Serialize(p, o.out));
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }

  if (o.json) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : r.samples) samples.push_back({{"label", s.label}, {"de00", s.de00}});
    PrintJson({{"residual_de00", r.mean_de00},
               {"max_de00", r.max_de00},
               {"converged", r.summary.converged},
               {"out", o.out},
               {"id", p.id()},
               {"iterations", r.summary.iterations},
               {"message", r.summary.message},
               {"samples", samples}});
  } else {
    for (const auto& s : r.samples) std::printf("  %-20s dE00 %.3f\n", s.label.c_str(), s.de00);
    std::printf("%s: residual dE00 mean %.3f, max %.3f (D50); fit %s\nwrote %s\n", p.id().c_str(),
                r.mean_de00, r.max_de00, r.summary.BriefReport().c_str(), o.out.c_str());
  }
  if (!r.summary.converged) std::fprintf(stderr, "shadecast: warning: the fit did not converge\n");
  return kExitOk;
}

struct ListOptions {
  std::string library;  // empty: the shipped default
  bool json = false;
};

nlohmann::json ListJson(const std::string& library) {
  std::string source;
  const pb::PigmentLibrary lib = LoadLibrary(library, &source);
  {
    nlohmann::json all = nlohmann::json::array();
    for (const pb::Pigment& p : lib.pigments()) {
      all.push_back({{"id", p.id()},
                     {"name", p.name()},
                     {"colour_index", p.colour_index()},
                     {"role", RoleName(p.role())},
                     {"proxy", p.proxy()},
                     {"characterisation_only", p.characterisation_only()},
                     {"sieve_k", p.has_sieve_k() ? p.sieve_k() : optics::PigmentKS{}.sieve_k},
                     {"bands", p.wavelengths_nm_size()}});
    }
    return nlohmann::json{{"library", source}, {"name", lib.name()}, {"pigments", all}};
  }
}

int RunList(const ListOptions& o) {
  if (o.json) {
    PrintJson(ListJson(o.library));
    return kExitOk;
  }
  std::string source;
  const pb::PigmentLibrary lib = LoadLibrary(o.library, &source);
  std::printf("%s (%s)\n", lib.name().c_str(), source.c_str());
  for (const pb::Pigment& p : lib.pigments()) {
    std::printf("  %-22s %-10s %-18s %s%s%s\n", p.id().c_str(), p.colour_index().c_str(),
                RoleName(p.role()).c_str(), p.name().c_str(), p.proxy() ? " [proxy]" : "",
                p.characterisation_only() ? " [characterisation only: never recommended]" : "");
  }
  return kExitOk;
}

void RegisterPigment(CLI::App& app, Action& action) {
  CLI::App* pig =
      app.add_subcommand("pigment", "Pigment libraries: characterise a pigment, list a library");
  pig->require_subcommand(1);

  auto ch = std::make_shared<CharacterizeCliOptions>();
  CLI::App* c = pig->add_subcommand(
      "characterize",
      "Fit a pigment's spectral Kubelka-Munk K and S from a tint ladder with titanium white and/or "
      "drawdowns "
      "over black and white (CSV format: docs/conventions.md, 'Characterisation CSV')");
  c->add_option("--reflectance", ch->reflectance,
                "CSV: wavelength_nm, then columns tint:<fraction>, over_black:<thickness>, "
                "over_white:<thickness>, "
                "background_black, background_white (reflectance 0-1)")
      ->required();
  c->add_option("--out", ch->out, "output Pigment (.textproto text format, .pb binary, .json)")
      ->required();
  c->add_option("--id", ch->id, "pigment id, snake_case (default: from the --out file name)");
  c->add_option("--name", ch->name, "pigment name (default: the id)");
  c->add_option("--colour-index", ch->colour_index, "Colour Index code, e.g. PBk7");
  c->add_option("--role", ch->role, "black, warm_neutralizer, cool_neutralizer or reference");
  c->add_option("--white-library", ch->white_library,
                "pigment library holding the reference white (default: the shipped "
                "data/pigments/default.textproto)");
  c->add_option("--white-id", ch->white_id, "id of the reference white in that library")
      ->capture_default_str();
  c->add_option("--k1", ch->fit.saunderson.k1, "Saunderson external surface reflection")
      ->capture_default_str();
  c->add_option("--k2", ch->fit.saunderson.k2, "Saunderson internal diffuse surface reflection")
      ->capture_default_str();
  c->add_flag_function(
      "--specular-excluded", [ch](int64_t) { ch->fit.saunderson.include_k1 = false; },
      "the measurements exclude the first-surface reflection (glossy samples, specular-excluded "
      "geometry)");
  c->add_option("--smoothness", ch->fit.smoothness,
                "weight of the smoothness penalty across wavelengths")
      ->capture_default_str();
  c->add_flag_function(
      "--percent", [ch](int64_t) { ch->scale = 0.01; }, "reflectance columns are in percent");
  c->add_flag(
      "--json", ch->json,
      "print {\"residual_de00\": mean, \"max_de00\", \"converged\", \"out\", \"samples\": [...]}");
  c->callback([&action, ch] { action = [ch] { return RunCharacterize(*ch); }; });

  auto ls = std::make_shared<ListOptions>();
  CLI::App* l = pig->add_subcommand("list", "List the pigments of a library: ids, names, roles");
  l->add_option("--library", ls->library,
                "library file (default: the shipped data/pigments/default.textproto)");
  l->add_flag("--json", ls->json,
              "print {\"library\": ..., \"pigments\": [{\"id\", \"name\", \"role\", ...}]}");
  l->callback([&action, ls] { action = [ls] { return RunList(*ls); }; });
}

}  // namespace

nlohmann::json PigmentListJson(const std::string& library) { return ListJson(library); }

SHADECAST_REGISTER_COMMAND(40, "pigment", RegisterPigment);

}  // namespace shadecast::cli
