#include "features/payload_scan.hpp"

#include <charconv>

#include <boost/json/parse.hpp>

namespace roundhouse::ml::features {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char peek() {
    ws();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  // After the opening quote: the contents up to the closing quote.
  bool string(std::string_view& out, bool& escaped) {
    const std::size_t start = i_;
    escaped = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        out = s_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      if (c == '\\') {
        escaped = true;
        ++i_;
      }
      ++i_;
    }
    return false;
  }
  bool value(JsonValueView& v) {
    using K = JsonValueView::Kind;
    const char c = peek();
    const std::size_t start = i_;
    if (c == '"') {
      ++i_;
      v.kind = K::string;
      return string(v.text, v.escaped);
    }
    if (c == '{' || c == '[') {
      v.kind = c == '{' ? K::object : K::array;
      if (!skip_nested()) return false;
      v.text = s_.substr(start, i_ - start);
      return true;
    }
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n' && s_[i_] != '\r' && s_[i_] != '\t')
      ++i_;
    v.text = s_.substr(start, i_ - start);
    if (v.text.empty()) return false;
    if (v.text == "true" || v.text == "false") v.kind = K::boolean;
    else if (v.text == "null") v.kind = K::null;
    else v.kind = K::number;
    return true;
  }

 private:
  // From an opening bracket to just past its match, stepping over strings.
  bool skip_nested() {
    int depth = 0;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') {
        std::string_view ignored;
        bool esc;
        if (!string(ignored, esc)) return false;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::string unescape(std::string_view raw) {
  std::string quoted;
  quoted.reserve(raw.size() + 2);
  quoted += '"';
  quoted += raw;
  quoted += '"';
  boost::system::error_code ec;
  auto v = boost::json::parse(quoted, ec);
  if (ec || !v.is_string()) return std::string(raw);
  return std::string(v.get_string());
}

}  // namespace

std::optional<double> JsonValueView::number() const {
  if (kind != Kind::number) return std::nullopt;
  double out = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

std::string JsonValueView::string() const { return escaped ? unescape(text) : std::string(text); }

bool scan_object(std::string_view json, const std::function<bool(std::string_view, const JsonValueView&)>& visit) {
  Scanner sc(json);
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return true;
  std::string key_buf;
  while (true) {
    if (!sc.eat('"')) return false;
    std::string_view key;
    bool escaped;
    if (!sc.string(key, escaped)) return false;
    if (escaped) {
      key_buf = unescape(key);
      key = key_buf;
    }
    if (!sc.eat(':')) return false;
    JsonValueView v;
    if (!sc.value(v)) return false;
    if (!visit(key, v)) return true;
    if (sc.eat(',')) continue;
    return sc.eat('}');
  }
}

}  // namespace roundhouse::ml::features
