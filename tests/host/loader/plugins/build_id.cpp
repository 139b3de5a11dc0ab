// Built by another compiler / standard library / SDK version: must be refused, naming the build id.
#include "fake_descriptor.hpp"
FAKE_PLUGIN("test-build-id", d.build_id = "gcc-4.8.5;libstdc++-cxx11abi=0;cxx=201103L;sdk=0.0.1")
