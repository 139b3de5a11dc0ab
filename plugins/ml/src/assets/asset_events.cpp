#include "assets/asset_events.hpp"

namespace roundhouse::ml::assets {
namespace {

struct EmbeddedSchema {
  const char* event_type;
  const char* text;
};

const EmbeddedSchema kSchemas[] = {
#include "ml_event_schemas.inc"
};

}  // namespace

Status register_asset_event_schemas(Registry& registry, const std::string& provider) {
  for (const auto& s : kSchemas)
    if (auto st = registry.add_event_schema(provider, s.event_type, s.text); !st) return st;
  return {};
}

}  // namespace roundhouse::ml::assets
