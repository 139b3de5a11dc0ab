#include "roundhouse/cli/args.hpp"

#include <charconv>

namespace roundhouse {

bool ArgReader::next() {
  if (next_ >= args_.size()) return false;
  raw_ = name_ = args_[next_++];
  has_inline_value_ = false;
  if (auto eq = name_.find('='); name_.rfind("--", 0) == 0 && eq != std::string::npos) {
    inline_value_ = name_.substr(eq + 1);
    name_.resize(eq);
    has_inline_value_ = true;
  }
  return true;
}

Result<std::string> ArgReader::value() {
  if (has_inline_value_) return inline_value_;
  if (next_ >= args_.size()) return Error{ErrorCode::invalid_argument, name_ + " needs a value"};
  return args_[next_++];
}

Result<std::uint64_t> ArgReader::unsigned_value() {
  auto text = value();
  if (!text) return text.error();
  std::uint64_t n = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), n);
  if (text->empty() || r.ec != std::errc{} || r.ptr != text->data() + text->size())
    return Error{ErrorCode::invalid_argument, name_ + " needs a non-negative integer, not '" + *text + "'"};
  return n;
}

Error ArgReader::unknown() const {
  return Error{ErrorCode::invalid_argument, "unknown argument '" + raw_ + "'"};
}

}  // namespace roundhouse
