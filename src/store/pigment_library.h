#pragma once
// Pigment libraries on disk: protobuf text format (.textproto, people edit these) or binary (.pb).
#include <filesystem>
#include <string>
#include <string_view>

#include "shadecast/pigment.pb.h"

namespace shadecast::store {

// The shipped default library, data/pigments/default.textproto (found via DataFile()).
inline constexpr const char* kDefaultPigmentLibrary = "data/pigments/default.textproto";
std::filesystem::path DefaultPigmentLibraryPath();

// Loads and validates a library; the extension chooses the format (.pb binary, anything else text
// format). Throws std::runtime_error naming `path` and what was wrong: unreadable file, a
// text-format parse error with its line and column, or a ValidatePigmentLibrary() failure.
pb::PigmentLibrary LoadPigmentLibrary(const std::filesystem::path& path);
// The shipped default library.
pb::PigmentLibrary LoadDefaultPigmentLibrary();

// Parses text format; `source` names the text in errors. Validates.
pb::PigmentLibrary ParsePigmentLibraryText(std::string_view text, const std::string& source);
// Parses one Pigment in text format (the output of `pigment characterize`). Validates.
pb::Pigment ParsePigmentText(std::string_view text, const std::string& source);

// Throws std::runtime_error "<source>: pigment '<id>': <problem>" when a pigment has an empty or
// duplicate id, no wavelengths, wavelengths not strictly increasing, k or s not one value per
// wavelength, or a negative or non-finite k or s.
void ValidatePigment(const pb::Pigment& p, const std::string& source);
void ValidatePigmentLibrary(const pb::PigmentLibrary& lib, const std::string& source);

// The pigment with `id`; throws std::runtime_error listing the ids present when there is none.
const pb::Pigment& FindPigment(const pb::PigmentLibrary& lib, std::string_view id,
                               const std::string& source);

// A Pigment or a library in text format, with a "# proto-file/proto-message" header.
std::string PigmentToText(const pb::Pigment& p);

}  // namespace shadecast::store
