#include "module_dir.hpp"

#include <dlfcn.h>

namespace roundhouse::dashboard_web {

std::filesystem::path module_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&module_dir), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code ec;
  auto path = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::filesystem::path(info.dli_fname).parent_path() : path.parent_path();
}

}  // namespace roundhouse::dashboard_web
