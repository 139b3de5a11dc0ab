#include "demo/demo_event.hpp"

#include "event_schemas.hpp"

namespace roundhouse::fleet::demo {

EventFactory::EventFactory(std::uint64_t seed) : ids_(Rng::derive(seed, 0x1D5)) {}

Uuid EventFactory::next_id(Timestamp at) {
  std::array<std::uint8_t, 16> b{};
  const auto ms = static_cast<std::uint64_t>(at < 0 ? 0 : at / 1000);
  for (int i = 0; i < 6; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  const std::uint64_t r1 = ids_.next(), r2 = ids_.next();
  b[6] = static_cast<std::uint8_t>(0x70 | (r1 & 0x0F));  // version 7
  b[7] = static_cast<std::uint8_t>(r1 >> 8);
  b[8] = static_cast<std::uint8_t>(0x80 | (r2 & 0x3F));  // RFC 4122 variant
  for (int i = 9; i < 16; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(r2 >> (8 * (i - 8)));
  return Uuid(b);
}

DemoEvent EventFactory::make(const char* aggregate, const std::string& id, const char* type,
                             boost::json::object payload, Timestamp at, std::string actor, std::string correlation) {
  DemoEvent out;
  out.stream = StreamId{aggregate, id};
  out.event.id = next_id(at);
  out.event.type = type;
  out.event.payload = std::move(payload);
  out.event.occurred_at = at;
  out.event.metadata.actor = std::move(actor);
  out.event.metadata.correlation_id = std::move(correlation);
  out.event.metadata.causation_id = "demo";
  if (const int v = current_schema_version(type); v > 1) out.event.metadata.extra["schema_version"] = v;
  return out;
}

}  // namespace roundhouse::fleet::demo
