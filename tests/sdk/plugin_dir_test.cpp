// default_plugin_dir: the host finds plugins relative to its executable, in build and install trees.
#include <gtest/gtest.h>

#include <filesystem>

#include "roundhouse/plugin/plugin_host.hpp"

namespace rh = roundhouse;
namespace fs = std::filesystem;

TEST(DefaultPluginDir, IsLibRoundhousePluginsBesideTheBinDirectory) {
  EXPECT_EQ(rh::default_plugin_dir("/opt/roundhouse/bin/roundhouse"),
            fs::path("/opt/roundhouse/lib/roundhouse/plugins"));
  EXPECT_EQ(rh::default_plugin_dir("/work/build/bin/roundhouse"),
            fs::path("/work/build/lib/roundhouse/plugins"));
}

TEST(DefaultPluginDir, MatchesTheBuildTreeLayout) {
  // Tests run with ROUNDHOUSE_PLUGIN_DIR = <build>/lib/roundhouse/plugins, the same rule applied
  // to <build>/bin/roundhouse.
  const char* env = std::getenv("ROUNDHOUSE_PLUGIN_DIR");
  if (!env) GTEST_SKIP() << "ROUNDHOUSE_PLUGIN_DIR not set (run through ctest)";
  const fs::path plugin_dir(env);
  const fs::path build = plugin_dir.parent_path().parent_path().parent_path();
  EXPECT_EQ(rh::default_plugin_dir(build / "bin" / "roundhouse").lexically_normal(),
            plugin_dir.lexically_normal());
}

TEST(CurrentExecutable, IsThisTestBinary) {
  const fs::path exe = rh::current_executable();
  EXPECT_TRUE(exe.is_absolute());
  EXPECT_TRUE(fs::exists(exe));
  EXPECT_EQ(exe.filename(), "roundhouse_sdk_tests");
}
