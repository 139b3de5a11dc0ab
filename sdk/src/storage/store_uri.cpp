#include "roundhouse/storage/store_uri.hpp"

#include <cctype>

namespace roundhouse {

Result<StoreUri> StoreUri::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return Error{ErrorCode::invalid_argument,
                 "store URI '" + std::string(text) + "' has no scheme (expected e.g. sqlite:PATH or memory:)"};
  StoreUri u;
  u.text = std::string(text);
  for (char c : text.substr(0, colon)) {
    const auto uc = static_cast<unsigned char>(c);
    if (!(std::isalnum(uc) || c == '+' || c == '-' || c == '.'))
      return Error{ErrorCode::invalid_argument, "store URI '" + u.text + "' has an invalid scheme"};
    u.scheme.push_back(static_cast<char>(std::tolower(uc)));
  }
  std::string_view rest = text.substr(colon + 1);
  const auto q = rest.find('?');
  u.rest = std::string(rest.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      std::string_view kv = query.substr(0, amp);
      const auto eq = kv.find('=');
      if (!kv.empty()) {
        if (eq == std::string_view::npos) u.params[std::string(kv)] = "";
        else u.params[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return u;
}

}  // namespace roundhouse
