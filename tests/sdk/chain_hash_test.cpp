// chain_hash: the documented canonical encoding, hashed with SHA-256, chained over the predecessor.
// An independent re-implementation with OpenSSL pins the format, so other verifiers (Python,
// auditors' scripts) can rely on it.
#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "roundhouse/events/chain_hash.hpp"

namespace rh = roundhouse;

namespace {

rh::RecordedEvent sample() {
  rh::RecordedEvent e;
  e.position = 42;
  e.stream = {"vehicle", "ICE-4711"};
  e.version = 7;
  e.id = *rh::Uuid::parse("0190f5a2-7b3c-7d4e-8f10-123456789abc");
  e.type = "MileageRecorded";
  e.occurred_at = 1772460300000000;
  e.recorded_at = 1772460301000000;
  e.tenant = "db-cargo";
  e.payload = R"({"km":120500})";
  e.metadata = R"({"actor":"bob"})";
  return e;
}

void put_u64(std::vector<std::uint8_t>& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_str(std::vector<std::uint8_t>& b, const std::string& s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  b.insert(b.end(), s.begin(), s.end());
}

// The encoding as chain_hash.hpp documents it.
rh::Hash reference_hash(const rh::Hash& prev, const rh::RecordedEvent& e) {
  std::vector<std::uint8_t> b(prev.begin(), prev.end());
  put_u64(b, e.position);
  put_str(b, e.stream.type);
  put_str(b, e.stream.id);
  put_u64(b, e.version);
  b.insert(b.end(), e.id.bytes().begin(), e.id.bytes().end());
  put_str(b, e.type);
  put_u64(b, static_cast<std::uint64_t>(e.occurred_at));
  put_u64(b, static_cast<std::uint64_t>(e.recorded_at));
  put_str(b, e.tenant);
  put_str(b, e.payload);
  put_str(b, e.metadata);
  rh::Hash h{};
  SHA256(b.data(), b.size(), h.data());
  return h;
}

}  // namespace

TEST(ChainHash, IsDeterministic) {
  const rh::Hash zero{};
  EXPECT_EQ(rh::chain_hash(zero, sample()), rh::chain_hash(zero, sample()));
}

TEST(ChainHash, MatchesTheDocumentedCanonicalEncoding) {
  const rh::Hash zero{};
  const auto e = sample();
  EXPECT_EQ(rh::hex(rh::chain_hash(zero, e)), rh::hex(reference_hash(zero, e)));

  rh::RecordedEvent negative_time = e;  // back-dated before 1970: i64 two's complement
  negative_time.occurred_at = -5;
  EXPECT_EQ(rh::hex(rh::chain_hash(zero, negative_time)), rh::hex(reference_hash(zero, negative_time)));
}

TEST(ChainHash, ChainsOverThePreviousHash) {
  const rh::Hash zero{};
  const auto e = sample();
  const rh::Hash h1 = rh::chain_hash(zero, e);
  rh::RecordedEvent next = e;
  next.position = 43;
  next.version = 8;
  const rh::Hash h2 = rh::chain_hash(h1, next);
  EXPECT_EQ(rh::hex(h2), rh::hex(reference_hash(reference_hash(zero, e), next)));

  rh::Hash other_prev = h1;
  other_prev[31] ^= 1;
  EXPECT_NE(rh::chain_hash(other_prev, next), h2) << "a changed predecessor must change the hash";
}

TEST(ChainHash, EveryFieldChangesTheHash) {
  const rh::Hash zero{};
  const rh::Hash base = rh::chain_hash(zero, sample());
  const std::vector<std::pair<const char*, std::function<void(rh::RecordedEvent&)>>> edits = {
      {"position", [](auto& e) { e.position += 1; }},
      {"stream.type", [](auto& e) { e.stream.type = "wagon"; }},
      {"stream.id", [](auto& e) { e.stream.id = "ICE-4712"; }},
      {"version", [](auto& e) { e.version += 1; }},
      {"id", [](auto& e) { e.id = *rh::Uuid::parse("0190f5a2-7b3c-7d4e-8f10-123456789abd"); }},
      {"type", [](auto& e) { e.type = "MileageCorrected"; }},
      {"occurred_at", [](auto& e) { e.occurred_at += 1; }},
      {"recorded_at", [](auto& e) { e.recorded_at += 1; }},
      {"tenant", [](auto& e) { e.tenant = "db-regio"; }},
      {"payload", [](auto& e) { e.payload = R"({"km":120501})"; }},
      {"metadata", [](auto& e) { e.metadata = R"({"actor":"eve"})"; }},
  };
  for (const auto& [field, edit] : edits) {
    auto e = sample();
    edit(e);
    EXPECT_NE(rh::chain_hash(zero, e), base) << "changing " << field << " left the hash unchanged";
  }
}

TEST(ChainHash, LengthPrefixesKeepFieldBoundaries) {
  // "ab"+"c" and "a"+"bc" concatenate to the same bytes; the length prefixes must tell them apart.
  const rh::Hash zero{};
  auto a = sample();
  a.stream = {"ab", "c"};
  auto b = sample();
  b.stream = {"a", "bc"};
  EXPECT_NE(rh::chain_hash(zero, a), rh::chain_hash(zero, b));

  auto c = sample();
  c.tenant = "x";
  c.payload = "{}";
  auto d = sample();
  d.tenant = "x{";
  d.payload = "}";
  EXPECT_NE(rh::chain_hash(zero, c), rh::chain_hash(zero, d));
}

TEST(ChainReport, DefaultsDescribeAHealthyEmptyLog) {
  rh::ChainReport r;
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.first_bad_position, 0u);
  EXPECT_TRUE(r.reason.empty());
}
