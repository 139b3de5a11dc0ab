// Registry / ExtensionPoint: what plugins provide, by unique name; open_store dispatches by scheme.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "roundhouse/plugin/registry.hpp"

namespace rh = roundhouse;

TEST(ExtensionPoint, AddsAndFindsByName) {
  rh::ExtensionPoint<int> point;
  ASSERT_TRUE(point.add("answer", "plugin-a", 42).ok());
  auto e = point.find("answer");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->name, "answer");
  EXPECT_EQ(e->provider, "plugin-a");
  EXPECT_EQ(e->value, 42);
  EXPECT_FALSE(point.find("question").has_value());
}

TEST(ExtensionPoint, RefusesADuplicateNameAndKeepsTheFirst) {
  rh::ExtensionPoint<int> point;
  ASSERT_TRUE(point.add("sqlite", "storage-sqlite", 1).ok());
  const rh::Status st = point.add("sqlite", "evil-plugin", 2);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), rh::ErrorCode::invalid_argument);
  EXPECT_NE(st.message().find("sqlite"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("storage-sqlite"), std::string::npos)
      << "the message should name who registered it first: " << st.message();
  EXPECT_EQ(point.find("sqlite")->value, 1);
  EXPECT_EQ(point.find("sqlite")->provider, "storage-sqlite");
}

TEST(ExtensionPoint, RefusesAnEmptyName) {
  rh::ExtensionPoint<int> point;
  EXPECT_EQ(point.add("", "p", 1).code(), rh::ErrorCode::invalid_argument);
  EXPECT_TRUE(point.list().empty());
}

TEST(ExtensionPoint, ListsEveryEntry) {
  rh::ExtensionPoint<std::string> point;
  ASSERT_TRUE(point.add("b", "p1", "B").ok());
  ASSERT_TRUE(point.add("a", "p2", "A").ok());
  const auto all = point.list();
  ASSERT_EQ(all.size(), 2u);
  std::vector<std::string> names{all[0].name, all[1].name};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
}

TEST(ExtensionPoint, ConcurrentAddsOfTheSameNameHaveOneWinner) {
  rh::ExtensionPoint<int> point;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      if (point.add("contested", "p" + std::to_string(t), t).ok()) ++winners;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(point.list().size(), 1u);
}

namespace {
// A factory that records what it was asked for and fails on purpose, so no store is needed.
struct Recorder {
  std::string scheme, rest, param;
};
}  // namespace

TEST(Registry, OpenStoreDispatchesOnTheSchemeWithTheParsedUri) {
  rh::Registry registry;
  auto seen = std::make_shared<Recorder>();
  ASSERT_TRUE(registry.storage
                  .add("fake", "test",
                       [seen](const rh::StoreUri& uri, const rh::StoreOptions& options)
                           -> rh::Result<std::shared_ptr<rh::EventStore>> {
                         seen->scheme = uri.scheme;
                         seen->rest = uri.rest;
                         seen->param = uri.params.count("mode") ? uri.params.at("mode") : "";
                         if (options.config.contains("fail"))
                           return rh::Error{rh::ErrorCode::unavailable, "fake store is down"};
                         return rh::Error{rh::ErrorCode::io_error, "fake store cannot open " + uri.rest};
                       })
                  .ok());

  auto r = registry.open_store("fake:some/where?mode=ro");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::io_error) << "the factory's error is passed through";
  EXPECT_EQ(seen->scheme, "fake");
  EXPECT_EQ(seen->rest, "some/where");
  EXPECT_EQ(seen->param, "ro");

  rh::StoreOptions options;
  options.config["fail"] = true;
  EXPECT_EQ(registry.open_store("fake:x", options).error().code, rh::ErrorCode::unavailable)
      << "options reach the factory";
}

TEST(Registry, UnknownSchemeIsNotFoundAndNamesTheScheme) {
  rh::Registry registry;
  auto r = registry.open_store("postgresql://db/roundhouse");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("postgresql"), std::string::npos) << r.error().message;
}

TEST(Registry, MalformedUriIsInvalidArgument) {
  rh::Registry registry;
  auto r = registry.open_store("no scheme here");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
}

TEST(Registry, AFactoryThatThrowsDoesNotCrashTheCaller) {
  rh::Registry registry;
  ASSERT_TRUE(registry.storage
                  .add("boom", "test",
                       [](const rh::StoreUri&, const rh::StoreOptions&)
                           -> rh::Result<std::shared_ptr<rh::EventStore>> {
                         throw std::runtime_error("kaboom");
                       })
                  .ok());
  auto r = registry.open_store("boom:");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("kaboom"), std::string::npos) << r.error().message;
}
