#pragma once
// Side channel for the start/stop order test: each plugin appends "<event> <name>" to the file
// named by its configuration's "order_log" key.
#include <fstream>
#include <string>

#include "roundhouse/plugin/plugin.hpp"

inline void log_order(roundhouse::PluginContext& ctx, const char* event) {
  const auto config = ctx.config();
  const auto* path = config.if_contains("order_log");
  if (!path || !path->is_string()) return;
  std::ofstream(std::string(path->get_string()), std::ios::app) << event << ' ' << ctx.plugin_name() << '\n';
}
