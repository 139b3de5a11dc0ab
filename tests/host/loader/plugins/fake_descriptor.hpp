#pragma once
// Hand-written entry points for deliberately broken test plugins. Each file defines a descriptor
// like ROUNDHOUSE_PLUGIN would, then changes one field, so exactly one load rule is violated.
#include "roundhouse/plugin/abi.h"
#include "roundhouse/plugin/build_id.hpp"
#include "roundhouse/export.hpp"

namespace fake {
inline int init_ok(const rh_host_api*) { return 0; }

inline rh_plugin_descriptor good_descriptor(const char* name) {
  rh_plugin_descriptor d{};
  d.struct_size = sizeof(rh_plugin_descriptor);
  d.abi_major = ROUNDHOUSE_ABI_MAJOR;
  d.abi_minor = ROUNDHOUSE_ABI_MINOR;
  d.build_id = ROUNDHOUSE_BUILD_ID;
  d.name = name;
  d.version = "9.9.9";
  d.kind = RH_PLUGIN_OTHER;
  d.description = "deliberately incompatible test plugin";
  d.dependencies = nullptr;
  d.init = &init_ok;
  d.shutdown = nullptr;
  return d;
}
}  // namespace fake

// Defines the entry point returning good_descriptor(NAME) after applying EDIT (a statement on `d`).
#define FAKE_PLUGIN(NAME, EDIT)                                                      \
  extern "C" ROUNDHOUSE_API const rh_plugin_descriptor* roundhouse_plugin_entry(void) { \
    static const rh_plugin_descriptor descriptor = [] {                                \
      rh_plugin_descriptor d = fake::good_descriptor(NAME);                            \
      EDIT;                                                                            \
      return d;                                                                        \
    }();                                                                               \
    return &descriptor;                                                                \
  }
