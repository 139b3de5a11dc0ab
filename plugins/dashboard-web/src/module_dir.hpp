#pragma once
// Where the shared object holding this code was loaded from, so the plugin finds the bundle
// installed beside it (lib/roundhouse/plugins/dashboard-web/) in the build tree and in an install.

#include <filesystem>

namespace roundhouse::dashboard_web {

// The folder of the loaded module (the .so, or the executable when linked statically); empty
// when the loader cannot tell.
std::filesystem::path module_dir();

}  // namespace roundhouse::dashboard_web
