#pragma once
// The build id a plugin embeds and the host compares byte for byte. It names everything that must
// agree for C++ objects to cross the plugin boundary: compiler and version, libstdc++ dual ABI,
// C++ standard, and the SDK version. It is a macro so that it is evaluated in the plugin's own
// translation unit, not in the SDK the plugin happens to be loaded next to.

#include "roundhouse/version.hpp"

#define ROUNDHOUSE_STR_(x) #x
#define ROUNDHOUSE_STR(x) ROUNDHOUSE_STR_(x)

#if defined(__clang__)
#  define ROUNDHOUSE_COMPILER_ID "clang-" __clang_version__
#elif defined(__GNUC__)
#  define ROUNDHOUSE_COMPILER_ID "gcc-" __VERSION__
#else
#  define ROUNDHOUSE_COMPILER_ID "unknown-compiler"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#  define ROUNDHOUSE_STDLIB_ID "libstdc++-cxx11abi=" ROUNDHOUSE_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#  define ROUNDHOUSE_STDLIB_ID "stdlib-unknown"
#endif

#define ROUNDHOUSE_BUILD_ID                                                            \
  ROUNDHOUSE_COMPILER_ID ";" ROUNDHOUSE_STDLIB_ID ";cxx=" ROUNDHOUSE_STR(__cplusplus) \
                         ";sdk=" ROUNDHOUSE_VERSION_STRING
