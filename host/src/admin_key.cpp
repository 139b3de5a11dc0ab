// The generated admin key of an unconfigured server (see ensure_admin_key in auth.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "auth.hpp"

namespace roundhouse::host {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<AdminKey> ensure_admin_key(const fs::path& data_dir) {
  AdminKey out;
  out.file = data_dir / "admin.key";
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Error{ErrorCode::io_error, "cannot create " + data_dir.string() + ": " + ec.message()};

  if (std::ifstream in(out.file); in) {
    std::stringstream text;
    text << in.rdbuf();
    out.key = trim(text.str());
    if (out.key.size() >= 16) return out;
  }

  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Error{ErrorCode::internal, "no randomness for the admin key"};
  static constexpr char digits[] = "0123456789abcdef";
  out.key = "rh_";
  for (unsigned char b : bytes) {
    out.key += digits[b >> 4];
    out.key += digits[b & 0xF];
  }
  // Created with 0600 from the start: the key is never readable by others, not even briefly.
  const int fd = ::open(out.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{ErrorCode::io_error, "cannot write " + out.file.string()};
  ::fchmod(fd, 0600);
  const std::string line = out.key + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return Error{ErrorCode::io_error, "cannot write " + out.file.string()};
  out.generated = true;
  return out;
}

}  // namespace roundhouse::host
