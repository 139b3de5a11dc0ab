#include "roundhouse/events/chain_hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include <cstring>

namespace roundhouse {
namespace {

// One digest context per thread, reused: allocating an EVP context per event would dominate the
// cost of hashing a ~300-byte event.
EVP_MD_CTX* thread_context() {
  struct Holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

// Streams the canonical encoding into SHA-256 without building a buffer.
class CanonicalHasher {
 public:
  CanonicalHasher() : ctx_(thread_context()) {
    static const EVP_MD* sha256 = EVP_sha256();
    if (!ctx_ || EVP_DigestInit_ex(ctx_, sha256, nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
  void bytes(const void* p, std::size_t n) { EVP_DigestUpdate(ctx_, p, n); }
  void u64(std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    bytes(b, 8);
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void str(const std::string& s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    std::uint8_t b[4] = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
                         static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 24)};
    bytes(b, 4);
    bytes(s.data(), s.size());
  }
  Hash finish() {
    Hash h;
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, h.data(), &len);
    return h;
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

Hash chain_hash(const Hash& previous, const RecordedEvent& e) {
  CanonicalHasher h;
  h.bytes(previous.data(), previous.size());
  h.u64(e.position);
  h.str(e.stream.type);
  h.str(e.stream.id);
  h.u64(e.version);
  h.bytes(e.id.bytes().data(), 16);
  h.str(e.type);
  h.i64(e.occurred_at);
  h.i64(e.recorded_at);
  h.str(e.tenant);
  h.str(e.payload);
  h.str(e.metadata);
  return h.finish();
}

}  // namespace roundhouse
