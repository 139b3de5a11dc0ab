#pragma once
// Expected failures from the SDK (roundhouse::Error) become Python exceptions of the one hierarchy
// in roundhouse/_errors.py, chosen by ErrorCode (see error_class_for there).

#include <exception>
#include <string>
#include <utility>

#include "roundhouse/core/status.hpp"

namespace roundhouse::py {

// Thrown by binding code; translated to the matching roundhouse.Error subclass at the boundary.
class NativeError : public std::exception {
 public:
  explicit NativeError(Error e) : error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  Error error_;
};

[[noreturn]] inline void raise(ErrorCode code, std::string message) { throw NativeError(Error{code, std::move(message)}); }
inline void check(const Status& s) {
  if (!s) throw NativeError(s.error());
}
template <class T>
T unwrap(Result<T>&& r) {
  if (!r) throw NativeError(r.error());
  return std::move(r).value();
}

}  // namespace roundhouse::py
