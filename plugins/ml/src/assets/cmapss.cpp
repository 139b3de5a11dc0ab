#include "assets/cmapss.hpp"

#include <algorithm>
#include <cstdio>
#include <future>
#include <set>

#include "assets/asset_events.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::assets {
namespace {

std::string dataset_from(const CmapssOptions& o) {
  if (!o.dataset.empty()) return o.dataset;
  for (const auto* p : {&o.train, &o.test}) {
    const std::string name = p->stem().string();  // train_FD001
    if (auto at = name.rfind('_'); at != std::string::npos && at + 1 < name.size()) return name.substr(at + 1);
  }
  return "cmapss";
}

NewEvent event(std::string type, boost::json::object payload, Timestamp when, const std::string& actor) {
  NewEvent e;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.occurred_at = when;
  e.metadata.actor = actor;
  e.metadata.causation_id = "import-cmapss";
  return e;
}

}  // namespace

std::string cmapss_asset_id(const std::string& dataset, const std::string& split, int unit) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", unit);
  return dataset + "-" + split + "-" + digits;
}

boost::json::array cmapss_fd001_varying_channels() {
  return {"s2", "s3", "s4", "s7", "s8", "s9", "s11", "s12", "s13", "s14", "s15", "s17", "s20", "s21"};
}

boost::json::object CmapssSummary::to_json() const {
  return {{"dataset", dataset},
          {"engines", {{"train", train_engines}, {"test", test_engines}}},
          {"cycles", {{"train", train_cycles}, {"test", test_cycles}}},
          {"events_written", events_written}};
}

Result<CmapssSummary> import_cmapss(EventStore& store, const Registry* registry, const CmapssOptions& options) {
  if (options.train.empty() && options.test.empty())
    return Error{ErrorCode::invalid_argument, "nothing to import: give a training and/or a test file"};
  if (options.cycle_length <= 0) return Error{ErrorCode::invalid_argument, "the cycle length must be positive"};
  CmapssSummary summary;
  summary.dataset = dataset_from(options);
  struct Part {
    std::string split;
    std::vector<CmapssEngine> engines;
  };
  std::vector<Part> parts;
  for (const auto& [split, file] : {std::pair{"train", options.train}, std::pair{"test", options.test}}) {
    if (file.empty()) continue;
    auto engines = read_cmapss(file);
    if (!engines) return engines.error();
    parts.push_back({split, std::move(engines).value()});
  }

  // Build every batch first, so a refusal leaves the store untouched.
  std::vector<AppendRequest> batches;
  std::set<std::string> validated;
  for (const auto& part : parts) {
    const bool to_failure = part.split == "train";
    for (const auto& engine : part.engines) {
      AppendRequest req;
      req.stream = {kAssetStream, cmapss_asset_id(summary.dataset, part.split, engine.unit)};
      req.expected = ExpectedVersion::no_stream();
      req.tenant = options.tenant;
      req.events.reserve(engine.rows.size() + 2);
      req.events.push_back(event("AssetRegistered",
                                 {{"asset_type", "turbofan"},
                                  {"source", "NASA C-MAPSS " + summary.dataset},
                                  {"dataset", summary.dataset},
                                  {"split", part.split},
                                  {"unit", engine.unit}},
                                 options.start, options.actor));
      for (const auto& row : engine.rows) {
        boost::json::object settings, channels;
        for (int i = 0; i < 3; ++i) settings["setting" + std::to_string(i + 1)] = row[2 + i];
        for (int i = 0; i < 21; ++i) channels["s" + std::to_string(i + 1)] = row[5 + i];
        const auto cycle = static_cast<std::int64_t>(row[1]);
        req.events.push_back(event("SensorReadingsRecorded",
                                   {{"cycle", cycle}, {"channels", std::move(channels)}, {"settings", std::move(settings)}},
                                   options.start + cycle * options.cycle_length, options.actor));
      }
      const auto last = static_cast<std::int64_t>(engine.rows.size());
      if (to_failure)
        req.events.push_back(event("AssetFailed", {{"cycle", last}, {"description", "end of the run-to-failure record"}},
                                   options.start + last * options.cycle_length, options.actor));
      if (registry)
        for (const auto& e : req.events)
          if (validated.insert(e.type).second)
            if (auto st = registry->validate_payload(e.type, e.payload); !st)
              return Error{ErrorCode::internal, e.type + " does not satisfy its schema: " + st.message()};
      (to_failure ? summary.train_engines : summary.test_engines) += 1;
      (to_failure ? summary.train_cycles : summary.test_cycles) += engine.rows.size();
      batches.push_back(std::move(req));
    }
  }
  for (const auto& b : batches) {
    ReadStreamOptions probe;
    probe.max_count = 1;
    probe.tenant = options.tenant.empty() ? std::nullopt : std::optional<std::string>(options.tenant);
    auto existing = store.read_stream(b.stream, probe);
    if (existing) return Error{ErrorCode::rule_violation, "asset '" + b.stream.id + "' exists already (nothing was written)"};
    if (existing.error().code != ErrorCode::not_found) return existing.error();
  }

  // Appends in flight together so the store can group their commits.
  constexpr std::size_t kInFlight = 32;
  std::vector<std::future<Result<AppendResult>>> pending;
  std::uint64_t done = 0;
  auto settle = [&](std::future<Result<AppendResult>>& f) -> Status {
    auto r = f.get();
    if (!r) return r.error();
    summary.events_written += r->positions.size();
    if (options.progress) options.progress(++done, batches.size());
    return {};
  };
  Status failed;
  for (auto& b : batches) {
    auto promise = std::make_shared<std::promise<Result<AppendResult>>>();
    pending.push_back(promise->get_future());
    store.append_async(std::move(b), [promise](Result<AppendResult> r) { promise->set_value(std::move(r)); });
    if (pending.size() >= kInFlight) {
      if (auto st = settle(pending.front()); !st && failed) failed = st;
      pending.erase(pending.begin());
    }
  }
  for (auto& f : pending)
    if (auto st = settle(f); !st && failed) failed = st;
  if (!failed) return failed.error();
  return summary;
}

}  // namespace roundhouse::ml::assets
