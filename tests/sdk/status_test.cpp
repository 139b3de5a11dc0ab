// Status / Result: expected failures travel as values, and the error code strings are a public
// contract (HTTP problem+json "code", Python exception mapping).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "roundhouse/core/status.hpp"

namespace rh = roundhouse;

TEST(Status, DefaultIsOk) {
  rh::Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_TRUE(rh::Status::ok_status().ok());
}

TEST(Status, ErrorCarriesCodeAndMessage) {
  rh::Status s(rh::ErrorCode::not_found, "stream vehicle/ICE-1 does not exist");
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), rh::ErrorCode::not_found);
  EXPECT_EQ(s.message(), "stream vehicle/ICE-1 does not exist");
  EXPECT_EQ(s.error().code, rh::ErrorCode::not_found);
}

TEST(Status, ImplicitFromError) {
  rh::Status s = rh::Error{rh::ErrorCode::forbidden, "tenant b"};
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), rh::ErrorCode::forbidden);
}

TEST(Result, HoldsValue) {
  rh::Result<int> r = 42;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
  EXPECT_TRUE(r.status().ok());
}

TEST(Result, HoldsError) {
  rh::Result<int> r(rh::ErrorCode::wrong_expected_version, "expected version 3, stream is at 4");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::wrong_expected_version);
  EXPECT_EQ(r.error().message, "expected version 3, stream is at 4");
  EXPECT_EQ(r.status().code(), rh::ErrorCode::wrong_expected_version);
}

TEST(Result, FromFailedStatusKeepsTheError) {
  rh::Status failed(rh::ErrorCode::io_error, "disk full");
  rh::Result<std::string> r = failed;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::io_error);
  EXPECT_EQ(r.error().message, "disk full");
}

TEST(Result, MoveOnlyValueCanBeTakenOut) {
  rh::Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(Result, ArrowReachesMembers) {
  rh::Result<std::string> r = std::string("abc");
  EXPECT_EQ(r->size(), 3u);
}

TEST(ErrorCode, StringFormsAreTheStableSnakeCaseNames) {
  using rh::ErrorCode;
  EXPECT_EQ(rh::to_string(ErrorCode::invalid_argument), "invalid_argument");
  EXPECT_EQ(rh::to_string(ErrorCode::not_found), "not_found");
  EXPECT_EQ(rh::to_string(ErrorCode::wrong_expected_version), "wrong_expected_version");
  EXPECT_EQ(rh::to_string(ErrorCode::duplicate_event), "duplicate_event");
  EXPECT_EQ(rh::to_string(ErrorCode::forbidden), "forbidden");
  EXPECT_EQ(rh::to_string(ErrorCode::unavailable), "unavailable");
  EXPECT_EQ(rh::to_string(ErrorCode::io_error), "io_error");
  EXPECT_EQ(rh::to_string(ErrorCode::corrupted), "corrupted");
  EXPECT_EQ(rh::to_string(ErrorCode::incompatible), "incompatible");
  EXPECT_EQ(rh::to_string(ErrorCode::schema_violation), "schema_violation");
  EXPECT_EQ(rh::to_string(ErrorCode::payload_too_large), "payload_too_large");
  EXPECT_EQ(rh::to_string(ErrorCode::unauthenticated), "unauthenticated");
  EXPECT_EQ(rh::to_string(ErrorCode::internal), "internal");
}

TEST(ErrorCode, NumericValuesNeverChange) {
  // The numbers cross process boundaries (Python, stored audit records): renumbering breaks them.
  EXPECT_EQ(static_cast<int>(rh::ErrorCode::invalid_argument), 1);
  EXPECT_EQ(static_cast<int>(rh::ErrorCode::wrong_expected_version), 3);
  EXPECT_EQ(static_cast<int>(rh::ErrorCode::internal), 13);
}
