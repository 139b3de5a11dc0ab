// Needs a newer host (ABI minor above the host's): must be refused.
#include "fake_descriptor.hpp"
FAKE_PLUGIN("test-abi-minor", d.abi_minor = ROUNDHOUSE_ABI_MINOR + 1)
