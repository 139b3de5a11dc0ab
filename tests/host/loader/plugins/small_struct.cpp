// A descriptor that claims to be smaller than the fields the host needs: must be refused.
#include "fake_descriptor.hpp"
FAKE_PLUGIN("test-small-struct", d.struct_size = 8)
