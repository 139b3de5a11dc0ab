// JsonSchema: validates config files and request bodies; violations name a JSON Pointer path.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "roundhouse/schema/json_schema.hpp"

namespace rh = roundhouse;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const char* kAppendSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["stream", "events"],
  "additionalProperties": false,
  "properties": {
    "stream": {
      "type": "object",
      "required": ["type", "id"],
      "properties": {"type": {"type": "string"}, "id": {"type": "string"}}
    },
    "expected_version": {"type": "integer", "minimum": 0},
    "events": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "required": ["type", "payload"],
        "properties": {
          "type": {"type": "string", "minLength": 1},
          "payload": {"type": "object"}
        }
      }
    }
  }
})";

rh::JsonSchema append_schema() {
  auto s = rh::JsonSchema::from_json(json::parse(kAppendSchema));
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

json::value valid_doc() {
  return json::parse(R"({
    "stream": {"type": "vehicle", "id": "ICE-4711"},
    "expected_version": 0,
    "events": [{"type": "VehicleRegistered", "payload": {"class": "BR 412"}}]
  })");
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rh-schema-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST(JsonSchema, ValidDocumentHasNoViolations) {
  const auto schema = append_schema();
  EXPECT_TRUE(schema.validate(valid_doc()).empty());
  EXPECT_TRUE(schema.check(valid_doc()).ok());
}

TEST(JsonSchema, ViolationNamesTheJsonPointerPath) {
  const auto schema = append_schema();
  auto doc = valid_doc();
  doc.at("events").as_array()[0].as_object()["type"] = 5;

  const auto violations = schema.validate(doc);
  ASSERT_FALSE(violations.empty());
  bool found = false;
  for (const auto& v : violations) found = found || v.path == "/events/0/type";
  EXPECT_TRUE(found) << "first reported path: " << violations.front().path;

  const rh::Status st = schema.check(doc);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), rh::ErrorCode::schema_violation);
  EXPECT_EQ(st.message().rfind("/events/0/type", 0), 0u) << st.message();
}

TEST(JsonSchema, ViolationDeepInsideASecondArrayElement) {
  const auto schema = append_schema();
  auto doc = valid_doc();
  doc.at("events").as_array().push_back(json::parse(R"({"type": "MileageRecorded", "payload": [1]})"));
  const rh::Status st = schema.check(doc);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("/events/1/payload", 0), 0u) << st.message();
}

TEST(JsonSchema, ReportsMissingRequiredAndUnknownProperties) {
  const auto schema = append_schema();
  const auto missing = schema.check(json::parse(R"({"events": [{"type": "X", "payload": {}}]})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), rh::ErrorCode::schema_violation);
  EXPECT_NE(missing.message().find("stream"), std::string::npos) << missing.message();

  auto extra = valid_doc();
  extra.as_object()["surprise"] = true;
  EXPECT_FALSE(schema.check(extra).ok());
}

TEST(JsonSchema, ReportsEveryViolation) {
  const auto schema = append_schema();
  auto doc = json::parse(R"({"stream": {"type": 1, "id": 2}, "events": []})");
  EXPECT_GE(schema.validate(doc).size(), 3u);  // stream/type, stream/id, events minItems
}

TEST(JsonSchema, RejectsAnInvalidSchema) {
  auto bad_type = rh::JsonSchema::from_json(json::parse(R"({"type": 12})"));
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_FALSE(bad_type.error().message.empty());

  auto bad_minimum = rh::JsonSchema::from_json(json::parse(R"({"minimum": "zero"})"));
  EXPECT_FALSE(bad_minimum.ok());

  auto dangling_ref = rh::JsonSchema::from_json(json::parse(R"({"$ref": "#/definitions/missing"})"));
  EXPECT_FALSE(dangling_ref.ok());
}

TEST(JsonSchema, LoadsFromFile) {
  TempDir dir;
  write(dir / "append.json", kAppendSchema);
  auto schema = rh::JsonSchema::from_file(dir / "append.json");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_TRUE(schema->check(valid_doc()).ok());
}

TEST(JsonSchema, MissingFileIsAnErrorNamingThePath) {
  TempDir dir;
  auto schema = rh::JsonSchema::from_file(dir / "nope.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("nope.json"), std::string::npos) << schema.error().message;
}

TEST(ReadJsonFile, ParseErrorNamesFileAndLine) {
  TempDir dir;
  write(dir / "config.json", "{\n  \"listen\": \"127.0.0.1:8080\",\n  \"store\": oops\n}\n");
  auto doc = rh::read_json_file(dir / "config.json");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(doc.error().message.find("config.json"), std::string::npos) << doc.error().message;
  EXPECT_NE(doc.error().message.find("line 3"), std::string::npos)
      << "the error should point at the offending line: " << doc.error().message;
}

TEST(ReadJsonFile, ReadsAValidFile) {
  TempDir dir;
  write(dir / "ok.json", R"({"a": [1, 2, 3]})");
  auto doc = rh::read_json_file(dir / "ok.json");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->at("a").as_array().size(), 3u);
}
