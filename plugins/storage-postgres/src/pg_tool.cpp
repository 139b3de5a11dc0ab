#include "pg_tool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace roundhouse::postgres {
namespace fs = std::filesystem;
namespace {

// A numeric-aware comparison of version folder names ("9.6" < "15" < "16").
bool older(const fs::path& a, const fs::path& b) {
  auto number = [](const fs::path& p) {
    try {
      return std::stod(p.filename().string());
    } catch (...) {
      return 0.0;
    }
  };
  return number(a) < number(b);
}

bool executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close(0); }
  void close_write() { close(1); }

 private:
  void close(int i) {
    if (fds_[i] >= 0) ::close(fds_[i]);
    fds_[i] = -1;
  }
  int fds_[2];
};

}  // namespace

Result<fs::path> find_pg_program(const std::string& name) {
  if (const char* dir = std::getenv("ROUNDHOUSE_PG_BINDIR"); dir && *dir) {
    const fs::path p = fs::path(dir) / name;
    if (executable(p)) return p;
    return Error{ErrorCode::not_found, name + " not found in ROUNDHOUSE_PG_BINDIR (" + std::string(dir) + ")"};
  }
  std::vector<fs::path> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (executable(entry.path() / "bin" / name)) versions.push_back(entry.path());
  if (!versions.empty()) return *std::max_element(versions.begin(), versions.end(), older) / "bin" / name;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && executable(fs::path(dir) / name)) return fs::path(dir) / name;
  }
  return Error{ErrorCode::not_found, name + " not found (looked in /usr/lib/postgresql/*/bin and PATH; install "
                                            "Debian's postgresql-client or set ROUNDHOUSE_PG_BINDIR)"};
}

Result<ToolRun> run_tool(const fs::path& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env, const std::function<void()>& tick) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (!env.contains(entry.substr(0, entry.find('=')))) env_text.push_back(entry);
  }
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_text{program.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  Pipe out, err;
  if (!out.ok() || !err.ok()) return Error{ErrorCode::io_error, std::string("pipe: ") + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), 2);
  posix_spawn_file_actions_addclose(&actions, out.read_end());
  posix_spawn_file_actions_addclose(&actions, err.read_end());
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Error{ErrorCode::io_error, "cannot run " + program.string() + ": " + std::strerror(rc)};
  out.close_write();
  err.close_write();

  ToolRun run;
  std::array<pollfd, 2> fds{pollfd{out.read_end(), POLLIN, 0}, pollfd{err.read_end(), POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open = 2;
  char buf[65536];
  while (open > 0) {
    const int n = ::poll(fds.data(), fds.size(), 200);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) {
      if (tick) tick();
      continue;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;  // closed: poll ignores negative descriptors
        --open;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return run;
}

Error tool_failure(const std::string& name, const ToolRun& run) {
  std::string line;
  std::stringstream lines(run.err);
  for (std::string l; std::getline(lines, l);) {
    if (l.empty()) continue;
    if (line.empty() || l.find("error:") != std::string::npos) line = l;
    if (l.find("error:") != std::string::npos) break;
  }
  if (line.empty()) line = "no message";
  return Error{ErrorCode::io_error, name + " failed (exit " + std::to_string(run.exit_code) + "): " + line};
}

}  // namespace roundhouse::postgres
