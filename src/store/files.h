#pragma once
// File access for the I/O layer: whole-file reads with clear errors, atomic writes.
#include <filesystem>
#include <string>
#include <string_view>

namespace shadecast::store {

// The whole file as bytes. Throws std::runtime_error "cannot read <path>: <reason>".
std::string ReadFile(const std::filesystem::path& path);

// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader never
// sees a half-written file and a failure leaves nothing behind. Throws std::runtime_error.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view bytes);

// Hex SHA-256 of bytes (photo hashes in the records).
std::string Sha256Hex(std::string_view bytes);

}  // namespace shadecast::store
