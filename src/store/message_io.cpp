#include "store/message_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <stdexcept>

#include "store/files.h"

namespace shadecast::store {
namespace {

// Collects text-format parse errors so the exception can name line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (text.empty()) text = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " + message;
  }
  std::string text;
};

}  // namespace

MessageFormat MessageFormatFromPath(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".textproto" || ext == ".txtpb" || ext == ".pbtxt") return MessageFormat::kText;
  if (ext == ".json") return MessageFormat::kJson;
  if (ext == ".pb" || ext == ".binpb") return MessageFormat::kBinary;
  throw std::runtime_error(path.string() + ": unknown extension '" + ext +
                           "' (expected .textproto, .json or .pb)");
}

std::string SerializeMessage(const google::protobuf::Message& m, MessageFormat format) {
  std::string out;
  switch (format) {
    case MessageFormat::kText:
      if (!google::protobuf::TextFormat::PrintToString(m, &out))
        throw std::runtime_error("cannot print " + m.GetTypeName() + " as text");
      break;
    case MessageFormat::kJson: {
      google::protobuf::util::JsonPrintOptions opts;
      opts.preserve_proto_field_names = true;
      opts.always_print_primitive_fields = true;
      opts.add_whitespace = true;
      auto status = google::protobuf::util::MessageToJsonString(m, &out, opts);
      if (!status.ok()) throw std::runtime_error("cannot print " + m.GetTypeName() + " as JSON: " + status.ToString());
      break;
    }
    case MessageFormat::kBinary:
      if (!m.SerializeToString(&out)) throw std::runtime_error("cannot serialise " + m.GetTypeName());
      break;
  }
  return out;
}

void WriteMessageAtomic(const std::filesystem::path& path, const google::protobuf::Message& m) {
  WriteFileAtomic(path, SerializeMessage(m, MessageFormatFromPath(path)));
}

void ParseMessage(const std::string& bytes, MessageFormat format, google::protobuf::Message* m, const std::string& source) {
  switch (format) {
    case MessageFormat::kText: {
      google::protobuf::TextFormat::Parser parser;
      ErrorCollector errors;
      parser.RecordErrorsTo(&errors);
      if (!parser.ParseFromString(bytes, m))
        throw std::runtime_error(source + ": not a valid " + m->GetTypeName() + " text proto: " + errors.text);
      break;
    }
    case MessageFormat::kJson: {
      auto status = google::protobuf::util::JsonStringToMessage(bytes, m);
      if (!status.ok())
        throw std::runtime_error(source + ": not a valid " + m->GetTypeName() + " JSON: " + status.ToString());
      break;
    }
    case MessageFormat::kBinary:
      if (!m->ParseFromString(bytes)) throw std::runtime_error(source + ": not a valid binary " + m->GetTypeName());
      break;
  }
}

void ReadMessage(const std::filesystem::path& path, google::protobuf::Message* m) {
  const MessageFormat format = MessageFormatFromPath(path);
  ParseMessage(ReadFile(path), format, m, path.string());
}

}  // namespace shadecast::store
