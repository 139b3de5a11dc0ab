#pragma once
// The page's built bundle (index.html + content-hashed files under assets/), read into memory once.
//
// Layout of the folder (written by ../build.mjs):
//   index.html            the page; revalidated on every load (its name never changes)
//   assets/<name>-<hash>.<ext>[.gz]   scripts, styles, icons; a new build gives new names, so
//                         these are cached for a year as immutable; `.gz` is a precompressed twin
//
// Immutable after load(); safe to share between threads.

#include <filesystem>
#include <map>
#include <string>

#include "roundhouse/core/status.hpp"

namespace roundhouse::dashboard_web {

// One servable file in one or two encodings.
struct Asset {
  std::string content_type;
  std::string body;       // identity encoding
  std::string gzip_body;  // empty when the build left no .gz twin
  std::string etag;       // strong validator of `body`, quoted: "\"sha256-prefix\""
  std::string gzip_etag;  // validator of `gzip_body` (a different representation, RFC 9110 8.8.3)
  bool immutable = false; // content-hashed name: may be cached forever
};

class AssetBundle {
 public:
  // Reads `dir`. not_found when the folder or its index.html is missing, io_error when a file
  // cannot be read, invalid_argument for a file type the host would not know how to label.
  static Result<AssetBundle> load(const std::filesystem::path& dir);

  const Asset& index() const { return index_; }
  // A file under assets/ by its bare name ("main-3XK2.js"), or nullptr.
  const Asset* find(const std::string& name) const;
  std::size_t size() const { return assets_.size(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  Asset index_;
  std::map<std::string, Asset> assets_;
};

// Content-Type for a file name by extension ("" when unknown).
std::string content_type_for(const std::string& file_name);

}  // namespace roundhouse::dashboard_web
