// What a browser relies on when it loads the dashboard: the page and its files come with the
// right types, validators and cache lifetimes; revalidation answers 304 without a body; gzip only
// for clients that accept it; unknown files and dashboards are 404s; a broken bundle is refused
// at start-up with a message naming the folder.
#include <filesystem>
#include <fstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "dashboard_web.hpp"
#include "static_response.hpp"

namespace rh = roundhouse;
namespace dw = roundhouse::dashboard_web;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class BundleDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rh-dashboard-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    write(dir_ / "index.html", "<!doctype html><title>t</title>");
    write(dir_ / "assets" / "dashboard-ABC.js", "console.log('plain')");
    write(dir_ / "assets" / "dashboard-ABC.js.gz", "GZIPPED-BYTES");
    write(dir_ / "assets" / "favicon-1.svg", "<svg/>");
  }
  void TearDown() override { fs::remove_all(dir_); }

  rh::HttpRequest get(std::map<std::string, std::string> headers = {}) {
    rh::HttpRequest r;
    r.method = "GET";
    for (auto& [k, v] : headers) r.headers.emplace(k, v);
    return r;
  }

  fs::path dir_;
};

}  // namespace

TEST(Negotiation, AcceptEncodingGzip) {
  EXPECT_TRUE(dw::accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(dw::accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(dw::accepts_gzip("*"));
  EXPECT_TRUE(dw::accepts_gzip("x-gzip"));
  EXPECT_FALSE(dw::accepts_gzip(""));
  EXPECT_FALSE(dw::accepts_gzip("br, deflate"));
  EXPECT_FALSE(dw::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(dw::accepts_gzip("*, gzip;q=0"));  // an explicit refusal beats the wildcard
  EXPECT_FALSE(dw::accepts_gzip("identity, *;q=0"));
}

TEST(Negotiation, IfNoneMatchUsesWeakComparison) {
  EXPECT_TRUE(dw::etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(dw::etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(dw::etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(dw::etag_matches("*", "\"abc\""));
  EXPECT_FALSE(dw::etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(dw::etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(dw::etag_matches("", "\"abc\""));
}

TEST_F(BundleDir, LoadsPageAndHashedAssets) {
  auto bundle = dw::AssetBundle::load(dir_);
  ASSERT_TRUE(bundle) << bundle.error().message;
  EXPECT_EQ(bundle->size(), 2u);
  EXPECT_EQ(bundle->index().content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(bundle->index().immutable);
  const auto* js = bundle->find("dashboard-ABC.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->immutable);
  EXPECT_EQ(js->gzip_body, "GZIPPED-BYTES");
  EXPECT_NE(js->etag, js->gzip_etag);
  EXPECT_EQ(bundle->find("dashboard-ABC.js.gz"), nullptr);  // served only as the twin
  EXPECT_EQ(bundle->find("../index.html"), nullptr);
}

TEST_F(BundleDir, EtagFollowsContent) {
  auto first = dw::AssetBundle::load(dir_);
  write(dir_ / "index.html", "<!doctype html><title>changed</title>");
  auto second = dw::AssetBundle::load(dir_);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->index().etag, second->index().etag);
  EXPECT_EQ(first->index().etag.front(), '"');
  EXPECT_EQ(first->index().etag.back(), '"');
}

TEST_F(BundleDir, MissingOrBrokenBundleIsRefused) {
  auto missing = dw::AssetBundle::load(dir_ / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);

  write(dir_ / "assets" / "script.exe", "MZ");
  auto odd = dw::AssetBundle::load(dir_);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(odd.error().message.find("script.exe"), std::string::npos);
}

TEST_F(BundleDir, PageIsRevalidatedAndHardened) {
  auto bundle = dw::AssetBundle::load(dir_);
  ASSERT_TRUE(bundle);
  auto r = dw::serve_asset(bundle->index(), get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>t</title>");
  EXPECT_EQ(r.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(r.headers["ETag"], bundle->index().etag);
  EXPECT_NE(r.headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r.headers.count("Vary"), 0u);  // no gzip twin for the page

  auto again = dw::serve_asset(bundle->index(), get({{"if-none-match", bundle->index().etag}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers["ETag"], bundle->index().etag);
  EXPECT_EQ(again.headers["Cache-Control"], "no-cache");

  auto stale = dw::serve_asset(bundle->index(), get({{"if-none-match", "\"old\""}}));
  EXPECT_EQ(stale.status, 200);
}

TEST_F(BundleDir, HashedAssetsAreImmutableAndGzippedOnRequest) {
  auto bundle = dw::AssetBundle::load(dir_);
  ASSERT_TRUE(bundle);
  const auto& js = *bundle->find("dashboard-ABC.js");

  auto plain = dw::serve_asset(js, get());
  EXPECT_EQ(plain.body, "console.log('plain')");
  EXPECT_EQ(plain.headers.count("Content-Encoding"), 0u);
  EXPECT_EQ(plain.headers["Cache-Control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.headers["Vary"], "Accept-Encoding");
  EXPECT_EQ(plain.headers["ETag"], js.etag);

  auto zipped = dw::serve_asset(js, get({{"accept-encoding", "gzip, br"}}));
  EXPECT_EQ(zipped.body, "GZIPPED-BYTES");
  EXPECT_EQ(zipped.headers["Content-Encoding"], "gzip");
  EXPECT_EQ(zipped.headers["ETag"], js.gzip_etag);
  EXPECT_EQ(zipped.content_type, "text/javascript; charset=utf-8");

  // A validator of one representation does not revalidate the other.
  auto cross = dw::serve_asset(js, get({{"accept-encoding", "gzip"}, {"if-none-match", js.etag}}));
  EXPECT_EQ(cross.status, 200);
  auto same = dw::serve_asset(js, get({{"accept-encoding", "gzip"}, {"if-none-match", js.gzip_etag}}));
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.headers["Vary"], "Accept-Encoding");
}

TEST_F(BundleDir, RoutesServePageDashboardsAndFilesOpenly) {
  auto bundle = dw::AssetBundle::load(dir_);
  ASSERT_TRUE(bundle);
  rh::Registry registry;
  ASSERT_TRUE(dw::register_dashboard_web(registry, "dashboard-web",
                                         std::make_shared<const dw::AssetBundle>(std::move(*bundle))));
  auto routes = registry.routes.list();
  ASSERT_EQ(routes.size(), 3u);
  for (const auto& r : routes) {
    EXPECT_EQ(r.value.method, "GET");
    EXPECT_EQ(r.value.required_role, "open");
  }

  auto page = registry.routes.find("GET /dashboards/{name}");
  ASSERT_TRUE(page);
  auto req = get();
  for (const auto& name : dw::dashboard_names()) {
    req.path_params["name"] = name;
    auto r = page->value.handler(req);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(r->status, 200);
  }
  req.path_params["name"] = "finance";
  auto unknown = page->value.handler(req);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, rh::ErrorCode::not_found);

  auto file = registry.routes.find("GET /assets/dashboard-web/{file}");
  ASSERT_TRUE(file);
  auto freq = get();
  freq.path_params["file"] = "favicon-1.svg";
  auto icon = file->value.handler(freq);
  ASSERT_TRUE(icon);
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  freq.path_params["file"] = "..";
  EXPECT_FALSE(file->value.handler(freq));
  freq.path_params["file"] = "index.html";  // the page is not an asset
  EXPECT_FALSE(file->value.handler(freq));
}

TEST(Options, AssetsDirAndUnknownKeys) {
  auto ok = dw::dashboard_options_from(boost::json::parse(R"({"assets_dir":"/srv/dash"})").as_object());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->assets_dir, fs::path("/srv/dash"));
  EXPECT_TRUE(dw::dashboard_options_from({})->assets_dir.empty());
  auto typo = dw::dashboard_options_from(boost::json::parse(R"({"asset_dir":"/x"})").as_object());
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("asset_dir"), std::string::npos);
  EXPECT_FALSE(dw::dashboard_options_from(boost::json::parse(R"({"assets_dir":3})").as_object()));
}
