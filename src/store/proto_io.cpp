#include "store/proto_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <stdexcept>

#include "store/files.h"

namespace shadecast::store {
namespace {

std::string Extension(const std::filesystem::path& p) { return p.extension().string(); }

// Collects text-format parse errors with their position instead of logging them.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (first.empty()) first = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " + message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  std::string first;
};

}  // namespace

void ParseTextMessage(const std::string& text, const std::string& source, google::protobuf::Message* msg) {
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, msg)) {
    throw std::runtime_error(source + ": not a valid " + msg->GetDescriptor()->full_name() + " in text format (" +
                             errors.first + ")");
  }
}

void ReadMessage(const std::filesystem::path& path, google::protobuf::Message* msg) {
  const std::string bytes = ReadFile(path);
  const std::string ext = Extension(path);
  if (ext == ".pb") {
    if (!msg->ParseFromString(bytes))
      throw std::runtime_error(path.string() + ": not a valid binary " + msg->GetDescriptor()->full_name());
  } else if (ext == ".json") {
    google::protobuf::util::JsonParseOptions opts;
    auto status = google::protobuf::util::JsonStringToMessage(bytes, msg, opts);
    if (!status.ok())
      throw std::runtime_error(path.string() + ": not a valid " + msg->GetDescriptor()->full_name() +
                               " in JSON (" + status.ToString() + ")");
  } else {
    ParseTextMessage(bytes, path.string(), msg);
  }
}

std::string SerializeMessage(const std::filesystem::path& path, const google::protobuf::Message& msg) {
  const std::string ext = Extension(path);
  std::string out;
  if (ext == ".pb") {
    if (!msg.SerializeToString(&out)) throw std::runtime_error("cannot serialise " + msg.GetDescriptor()->full_name());
  } else if (ext == ".json") {
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    opts.always_print_primitive_fields = true;
    opts.add_whitespace = true;
    auto status = google::protobuf::util::MessageToJsonString(msg, &out, opts);
    if (!status.ok()) throw std::runtime_error("cannot print " + msg.GetDescriptor()->full_name() + " as JSON");
  } else {
    out = "# proto-file: " + msg.GetDescriptor()->file()->name() + "\n# proto-message: " +
          msg.GetDescriptor()->full_name() + "\n";
    std::string body;
    google::protobuf::TextFormat::PrintToString(msg, &body);
    out += body;
  }
  return out;
}

void WriteMessage(const std::filesystem::path& path, const google::protobuf::Message& msg) {
  WriteFileAtomic(path, SerializeMessage(path, msg));
}

}  // namespace shadecast::store
