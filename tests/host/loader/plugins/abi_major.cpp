// Built against a future SDK with ABI major 2: must be refused, naming both majors.
#include "fake_descriptor.hpp"
FAKE_PLUGIN("test-abi-major", d.abi_major = ROUNDHOUSE_ABI_MAJOR + 1)
