#pragma once
// Bytes <-> text for model artifacts kept in JSON event payloads: standard base64 (RFC 4648, with
// padding) and the hex SHA-256 that names an artifact (OpenSSL).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml::models {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// invalid_argument for text that is not padded base64.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);
std::string sha256_hex(std::span<const std::uint8_t> bytes);

}  // namespace roundhouse::ml::models
