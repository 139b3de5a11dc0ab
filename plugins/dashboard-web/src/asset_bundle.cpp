#include "asset_bundle.hpp"

#include <fstream>
#include <iterator>

#include <openssl/evp.h>

namespace roundhouse::dashboard_web {
namespace fs = std::filesystem;

namespace {

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::io_error, "cannot read " + path.string()};
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{ErrorCode::io_error, "cannot read " + path.string()};
  return data;
}

// A strong ETag: the first 128 bits of the SHA-256 of the bytes, hex, quoted.
std::string etag_of(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned int i = 0; i < 16 && i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out + "\"";
}

Result<Asset> load_asset(const fs::path& path, bool immutable) {
  Asset a;
  a.content_type = content_type_for(path.filename().string());
  if (a.content_type.empty())
    return Error{ErrorCode::invalid_argument, "unexpected file in the dashboard bundle: " + path.string()};
  auto body = read_file(path);
  if (!body) return body.error();
  a.body = std::move(*body);
  a.etag = etag_of(a.body);
  a.immutable = immutable;
  fs::path gz = path;
  gz += ".gz";
  std::error_code ec;
  if (fs::is_regular_file(gz, ec)) {
    auto zipped = read_file(gz);
    if (!zipped) return zipped.error();
    a.gzip_body = std::move(*zipped);
    a.gzip_etag = a.etag.substr(0, a.etag.size() - 1) + "-gz\"";
  }
  return a;
}

}  // namespace

std::string content_type_for(const std::string& file_name) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},        {".svg", "image/svg+xml"},
      {".map", "application/json; charset=utf-8"}, {".json", "application/json; charset=utf-8"},
      {".png", "image/png"},                       {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(fs::path(file_name).extension().string());
  return it == types.end() ? std::string() : it->second;
}

Result<AssetBundle> AssetBundle::load(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "index.html", ec))
    return Error{ErrorCode::not_found, "no dashboard bundle at " + dir.string() + " (index.html is missing)"};
  AssetBundle bundle;
  bundle.dir_ = dir;
  auto index = load_asset(dir / "index.html", false);
  if (!index) return index.error();
  bundle.index_ = std::move(*index);

  const fs::path assets = dir / "assets";
  if (fs::is_directory(assets, ec)) {
    for (auto it = fs::directory_iterator(assets, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() == ".gz") continue;  // .gz: loaded with its twin
      auto asset = load_asset(it->path(), true);
      if (!asset) return asset.error();
      bundle.assets_.emplace(it->path().filename().string(), std::move(*asset));
    }
    if (ec) return Error{ErrorCode::io_error, "cannot list " + assets.string() + ": " + ec.message()};
  }
  return bundle;
}

const Asset* AssetBundle::find(const std::string& name) const {
  auto it = assets_.find(name);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace roundhouse::dashboard_web
