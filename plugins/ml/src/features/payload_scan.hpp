#pragma once
// Reading a few members of a JSON object without building a DOM: extraction over a million events
// touches a handful of fields per payload, and a full parse would cost more than everything else.
// Correct for any JSON text (strings, escapes, nesting, whitespace); malformed text stops the scan
// and reports false.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace roundhouse::ml::features {

// One member value: its kind and its raw JSON text (for a string: the contents between the quotes,
// still escaped when `escaped` is true).
struct JsonValueView {
  enum class Kind { string, number, boolean, null, object, array } kind = Kind::null;
  std::string_view text;
  bool escaped = false;

  std::optional<double> number() const;  // numbers only
  std::string string() const;            // strings, unescaped
  bool truthy() const { return kind == Kind::boolean && text == "true"; }
};

// Calls visit(key, value) for each top-level member of the object in `json`, in text order; keys
// with escapes are passed unescaped. visit returns false to stop early. False when `json` is not a
// well-formed object (as far as it was read).
bool scan_object(std::string_view json, const std::function<bool(std::string_view, const JsonValueView&)>& visit);

}  // namespace roundhouse::ml::features
