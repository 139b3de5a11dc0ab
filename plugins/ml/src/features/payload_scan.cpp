#include "features/payload_scan.hpp"

#include <charconv>

#include <boost/json/parse.hpp>

namespace roundhouse::ml::features {
namespace {

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

namespace detail {

void Scanner::ws() {
  while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
}
bool Scanner::eat(char c) {
  ws();
  if (i_ < s_.size() && s_[i_] == c) {
    ++i_;
    return true;
  }
  return false;
}
char Scanner::peek() {
  ws();
  return i_ < s_.size() ? s_[i_] : '\0';
}
// After the opening quote: the contents up to the closing quote.
bool Scanner::string(std::string_view& out, bool& escaped) {
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
bool Scanner::key(std::string_view& out, std::string& buf) {
  bool escaped = false;
  if (!string(out, escaped)) return false;
  if (escaped) {
    buf = unescape(out);
    out = buf;
  }
  return true;
}
bool Scanner::value(JsonValueView& v) {
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
  while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' && s_[i_] != '\n' &&
         s_[i_] != '\r' && s_[i_] != '\t')
    ++i_;
  v.text = s_.substr(start, i_ - start);
  if (v.text.empty()) return false;
  if (v.text == "true" || v.text == "false") v.kind = K::boolean;
  else if (v.text == "null") v.kind = K::null;
  else v.kind = K::number;
  return true;
}
// From an opening bracket to just past its match, stepping over strings.
bool Scanner::skip_nested() {
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

}  // namespace detail

}  // namespace roundhouse::ml::features
