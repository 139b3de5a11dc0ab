#pragma once
// Expected failures travel as values: Status (success or Error) and Result<T> (a T or an Error).
// Exceptions are reserved for the truly exceptional (out of memory, broken invariants).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "roundhouse/export.hpp"

namespace roundhouse {

// Stable error codes. The string form (to_string) is part of the public contract: it appears in
// HTTP problem+json bodies ("code") and as the Python exception class mapping. Never renumber.
enum class ErrorCode : std::uint16_t {
  invalid_argument = 1,        // malformed input (bad id, empty type, non-object payload, ...)
  not_found = 2,               // stream / plugin / backend does not exist (or is not visible)
  wrong_expected_version = 3,  // optimistic concurrency check failed; nothing was written
  duplicate_event = 4,         // an event id is stored already, but not as an exact retry
  forbidden = 5,               // the caller's tenant or role may not do this
  unavailable = 6,             // store closed, shutting down, or backend unreachable
  io_error = 7,                // the backend failed to read or write
  corrupted = 8,               // stored data fails validation (hash chain, schema version)
  incompatible = 9,            // plugin ABI/build mismatch, unsupported schema version
  schema_violation = 10,       // a document does not satisfy its JSON Schema
  payload_too_large = 11,      // a request exceeds a configured size limit
  unauthenticated = 12,        // missing or invalid credentials
  internal = 13,               // a bug: an invariant did not hold
  rule_violation = 14,         // a domain rule refuses the command (illegal transition, negative stock)
};

ROUNDHOUSE_API std::string_view to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

// Success or an Error. Cheap to return when ok (no allocation).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)), ok_(false) {}  // NOLINT: implicit by design
  Status(ErrorCode code, std::string message) : Status(Error{code, std::move(message)}) {}

  static Status ok_status() { return {}; }
  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const noexcept { return error_; }
  ErrorCode code() const noexcept { return error_.code; }
  const std::string& message() const noexcept { return error_.message; }

 private:
  Error error_{};
  bool ok_ = true;
};

// A value of type T or an Error. Access value() only when ok().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}       // NOLINT
  Result(ErrorCode code, std::string message) : Result(Error{code, std::move(message)}) {}
  Result(const Status& s) : v_(std::in_place_index<1>, s.error()) {}  // NOLINT: only for errors

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status{} : Status{error()}; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace roundhouse
