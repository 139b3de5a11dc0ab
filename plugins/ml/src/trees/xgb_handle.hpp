#pragma once
// RAII ownership of XGBoost C API handles and the translation of its int return codes into
// Status values. Private to the trees/ folder: nothing outside it includes <xgboost/c_api.h>.

#include <memory>
#include <string_view>

#include <xgboost/c_api.h>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml::xgb {

struct DMatrixFree {
  void operator()(void* h) const noexcept { XGDMatrixFree(h); }
};
struct BoosterFree {
  void operator()(void* h) const noexcept { XGBoosterFree(h); }
};
// The handles are opaque void*; unique_ptr<void, Deleter> frees them exactly once.
using DMatrix = std::unique_ptr<void, DMatrixFree>;
using Booster = std::unique_ptr<void, BoosterFree>;

// 0 -> ok; otherwise the library's last error for this thread, prefixed with what was attempted.
Status check(int rc, std::string_view what);

}  // namespace roundhouse::ml::xgb
