#pragma once
// Where the shipped data (data/, calibration/) lives, from any working directory.
#include <filesystem>
#include <string>

namespace shadecast::store {

// Search order: $SHADECAST_DATA_DIR (a folder holding data/ and calibration/); the folder
// <exe>/../share/shadecast (the build tree and an installed tree share this layout); the source
// tree the binary was built from. Throws std::runtime_error listing the places tried.
std::filesystem::path ShareDir();

// ShareDir() / relative, checked to exist. Throws naming the file and the places tried.
std::filesystem::path DataFile(const std::string& relative);

// True when `arg` looks like a path (contains '/' or ends in .csv/.textproto/.pb/.json) rather
// than a shipped name.
bool LooksLikePath(const std::string& arg);

}  // namespace shadecast::store
