#pragma once
// Reading a few members of a JSON object without building a DOM: extraction over a million events
// touches a handful of fields per payload, and a full parse would cost more than everything else.
// Correct for any JSON text (strings, escapes, nesting, whitespace); malformed text stops the scan
// and reports false.

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

namespace detail {
// The scanner behind scan_object (payload_scan.cpp); a class so the visitor can be inlined.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool eat(char c);
  bool key(std::string_view& out, std::string& buf);  // after the opening quote; unescaped
  bool value(JsonValueView& v);

 private:
  void ws();
  char peek();
  bool string(std::string_view& out, bool& escaped);
  bool skip_nested();
  std::string_view s_;
  std::size_t i_ = 0;
};
}  // namespace detail

// Calls visit(key, value) for each top-level member of the object in `json`, in text order; keys
// with escapes are passed unescaped. visit returns false to stop early. False when `json` is not a
// well-formed object (as far as it was read).
template <class Visit>
bool scan_object(std::string_view json, Visit&& visit) {
  detail::Scanner sc(json);
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return true;
  std::string key_buf;
  while (true) {
    if (!sc.eat('"')) return false;
    std::string_view key;
    if (!sc.key(key, key_buf)) return false;
    if (!sc.eat(':')) return false;
    JsonValueView v;
    if (!sc.value(v)) return false;
    if (!visit(key, v)) return true;
    if (sc.eat(',')) continue;
    return sc.eat('}');
  }
}

}  // namespace roundhouse::ml::features
