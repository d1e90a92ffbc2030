#pragma once
// Protobuf messages in files, format chosen by the extension (docs/conventions.md): .textproto /
// .txtpb / .pbtxt text format, .json the protobuf JSON mapping (field names as in the .proto, every
// primitive printed), .pb / .binpb binary. Writes are atomic.
#include <filesystem>
#include <string>

namespace google::protobuf {
class Message;
}

namespace shadecast::store {

enum class MessageFormat { kText, kJson, kBinary };
// Throws std::runtime_error naming the path and the known extensions.
MessageFormat MessageFormatFromPath(const std::filesystem::path& path);

std::string SerializeMessage(const google::protobuf::Message& message, MessageFormat format);
void WriteMessageAtomic(const std::filesystem::path& path, const google::protobuf::Message& message);
// Parses `bytes` in `format`; throws std::runtime_error naming `source` when they do not parse.
void ParseMessage(const std::string& bytes, MessageFormat format, google::protobuf::Message* message,
                  const std::string& source);
// Throws std::runtime_error naming the path when it cannot be read or parsed.
void ReadMessage(const std::filesystem::path& path, google::protobuf::Message* message);

}  // namespace shadecast::store
