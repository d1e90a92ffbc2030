#pragma once
// `pigment list --json` as a library call (the app's GET /api/pigments shows the same).
#include <string>

#include <nlohmann/json.hpp>

namespace shadecast::cli {

// The library at `library` (empty: the shipped default): its source, name and pigments.
nlohmann::json PigmentListJson(const std::string& library);

}  // namespace shadecast::cli
