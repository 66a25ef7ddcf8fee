// `zerofs init [PATH|-]`: writes the commented default configuration.
//
// The file holds a freshly generated encryption password, so it is created
// mode 0600 and never overwritten without --force. With --force the new file
// is written beside the old one and renamed over it, so a failure leaves the
// old file intact.

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "cli/report.h"
#include "cli/subcommands.h"
#include "config/default_config.h"

namespace zerofs::cli {

namespace {

struct InitOptions {
  std::string path = "zerofs.toml";
  bool force = false;
};

std::string Errno(int err) { return std::strerror(err); }

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(Code::kIoError, Errno(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0) return Error(Code::kIoError, Errno(errno));
  return OkStatus();
}

// Creates `path` exclusively; fails if anything exists there.
Status WriteNew(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    return Error(Code::kAlreadyExists, path + " already exists; use --force to overwrite it");
  }
  if (fd < 0) return Error(Code::kIoError, "cannot create " + path + ": " + Errno(errno));
  Status s = WriteAll(fd, text);
  ::close(fd);
  if (!s.ok()) {
    ::unlink(path.c_str());
    return s.error().Wrap("cannot write " + path);
  }
  return OkStatus();
}

// Writes a temporary file next to `path` and renames it over `path`.
Status Replace(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return Error(Code::kIoError, "cannot create " + tmp + ": " + Errno(errno));
  Status s = WriteAll(fd, text);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Error(Code::kIoError, Errno(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s.error().Wrap("cannot write " + path);
  }
  return OkStatus();
}

// `path` quoted for a POSIX shell when it needs it.
std::string ShellQuote(const std::string& path) {
  bool plain = !path.empty();
  for (char c : path) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-./+,:@", c));
  }
  if (plain) return path;
  std::string out = "'";
  for (char c : path) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

int RunInit(const InitOptions& options) {
  std::string text = config::DefaultConfigText();
  if (options.path == "-") {
    std::cout << text << std::flush;
    return std::cout ? kExitOk : ReportError("cannot write to standard output");
  }
  Status s = options.force ? Replace(options.path, text) : WriteNew(options.path, text);
  if (!s.ok()) return ReportError(s.error());
  std::cout << "Wrote " << options.path << " (mode 0600).\n"
            << "It contains a randomly generated encryption password: keep a copy somewhere "
               "safe,\nthe data cannot be read without it.\n"
            << "Data goes to ~/.local/share/zerofs/data; edit [storage] url to use S3, Azure or "
               "GCS.\n"
            << "Next: zerofs run -c " << ShellQuote(options.path) << "\n";
  return kExitOk;
}

}  // namespace

void AddInitCommand(CLI::App& app, Action* action) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "init", "Write a commented default configuration (local storage, servers on localhost)");
  cmd->add_option("PATH", options->path, "Where to write it; '-' for standard output")
      ->capture_default_str();
  cmd->add_flag("-f,--force", options->force, "Overwrite PATH if it exists");
  cmd->callback([options, action] { *action = [options] { return RunInit(*options); }; });
}

}  // namespace zerofs::cli
