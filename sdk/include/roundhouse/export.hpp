#pragma once
// Symbol visibility for the SDK shared library. Everything is hidden by default
// (-fvisibility=hidden); only declarations marked ROUNDHOUSE_API are exported.
#if defined(_WIN32)
#  define ROUNDHOUSE_API __declspec(dllexport)
#else
#  define ROUNDHOUSE_API __attribute__((visibility("default")))
#endif
