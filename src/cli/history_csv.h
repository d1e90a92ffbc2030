#pragma once
// The history CSV (docs/conventions.md, "History CSV"): one client per file, a header row naming the
// columns, then a `client` row and one row per session or follow-up. Every field of
// pb::ClientHistory is written, so import -> export -> import gives the same history.
#include <filesystem>
#include <string>
#include <vector>

#include "shadecast/history.pb.h"

namespace shadecast::cli {

// The column names in the order export writes them. The first 16 are those of the first version of
// the format (files with only these are still read).
const std::vector<std::string>& HistoryCsvColumns();

std::string HistoryToCsv(const pb::ClientHistory& h);
// Columns are found by their header name. Throws InputError naming `source` (and the row) when the
// header row is missing or names an unknown column, or a cell is malformed.
pb::ClientHistory HistoryFromCsv(const std::string& text, const std::string& source);

// A history file as `import` reads it: .csv (HistoryFromCsv), else a ClientHistory message
// (.textproto, .json, .pb, ...). Throws InputError naming the file.
pb::ClientHistory ReadHistoryFile(const std::filesystem::path& path);
// `inputs` as files, or folders whose .textproto, .json, .pb and .csv files are taken, sorted.
// Throws InputError naming `flag` for an input that does not exist.
std::vector<std::filesystem::path> CollectHistoryFiles(const std::vector<std::string>& inputs, const std::string& flag);

}  // namespace shadecast::cli
