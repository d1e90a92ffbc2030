#pragma once
// Protobuf messages on disk. The extension chooses the format: .pb binary, .json the protobuf JSON
// mapping (field names as in the .proto), anything else text format (.textproto, people edit these).
#include <filesystem>
#include <string>

namespace google::protobuf {
class Message;
}

namespace shadecast::store {

// Throws std::runtime_error naming `path` and what was wrong (unreadable, parse error with line and
// column for text format).
void ReadMessage(const std::filesystem::path& path, google::protobuf::Message* msg);
// Parses text format from memory; `source` names it in errors.
void ParseTextMessage(const std::string& text, const std::string& source, google::protobuf::Message* msg);
// Serialises by extension and writes atomically (temporary file + rename).
void WriteMessage(const std::filesystem::path& path, const google::protobuf::Message& msg);
// The text a WriteMessage would write for `path`.
std::string SerializeMessage(const std::filesystem::path& path, const google::protobuf::Message& msg);

}  // namespace shadecast::store
