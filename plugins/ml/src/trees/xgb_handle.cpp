#include "trees/xgb_handle.hpp"

#include <string>

namespace roundhouse::ml::xgb {

Status check(int rc, std::string_view what) {
  if (rc == 0) return {};
  return Status{ErrorCode::internal, "xgboost " + std::string(what) + ": " + XGBGetLastError()};
}

}  // namespace roundhouse::ml::xgb
