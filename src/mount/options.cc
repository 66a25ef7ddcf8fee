// Parsing and checking of `zerofs mount` options.
#include "mount/options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "config/listen_address.h"

namespace zerofs::mount {

namespace {

Result<double> ParseSeconds(std::string_view key, std::string_view value) {
  std::string s(value);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(d >= 0) || d > 86400) {
    return Error::Posix(EINVAL,
                        "-o " + std::string(key) + ": '" + s + "' is not a number of seconds");
  }
  return d;
}

// Host names and IP literals never contain a slash.
bool IsUnixPath(std::string_view a) {
  return a.starts_with("unix:") || a.find('/') != std::string_view::npos;
}

}  // namespace

Status ApplyMountOption(std::string_view item, MountOptions* o) {
  if (item.empty()) return OkStatus();
  size_t eq = item.find('=');
  std::string_view key = item.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
  if (key == "entry_timeout") {
    ZFS_ASSIGN_OR_RETURN(o->entry_timeout, ParseSeconds(key, value));
  } else if (key == "negative_timeout") {
    ZFS_ASSIGN_OR_RETURN(o->negative_timeout, ParseSeconds(key, value));
  } else if (key == "attr_timeout") {
    ZFS_ASSIGN_OR_RETURN(o->attr_timeout, ParseSeconds(key, value));
  } else if (key == "reconnect_timeout") {
    ZFS_ASSIGN_OR_RETURN(o->reconnect_timeout, ParseSeconds(key, value));
  } else if (key == "msize") {
    std::string s(value);
    char* end = nullptr;
    unsigned long v = std::strtoul(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 8192 || v > (64u << 20)) {
      return Error::Posix(EINVAL, "-o msize: '" + s + "' is not a size in 8192..67108864");
    }
    o->msize = static_cast<uint32_t>(v);
  } else if (key == "aname") {
    o->aname = std::string(value);
  } else if (key == "writeback_cache") {
    o->writeback_cache = true;
  } else if (key == "no_writeback_cache") {
    o->writeback_cache = false;
  } else if (key == "readdirplus") {
    o->readdirplus = true;
  } else if (key == "no_readdirplus") {
    o->readdirplus = false;
  } else if (key == "ro") {
    o->read_only = true;
  } else if (key == "rw") {
    o->read_only = false;
  } else {
    o->fuse_options.emplace_back(item);
  }
  return OkStatus();
}

Status ApplyMountOptionList(std::string_view list, MountOptions* o) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    ZFS_RETURN_IF_ERROR(ApplyMountOption(list.substr(0, comma), o));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return OkStatus();
}

Status Validate(MountOptions* o) {
  if (o->address.empty()) return Error::Posix(EINVAL, "bad address '': empty");
  if (IsUnixPath(o->address)) {
    std::string path = o->address.starts_with("unix:") ? o->address.substr(5) : o->address;
    if (path.empty())
      return Error::Posix(EINVAL, "bad address '" + o->address + "': no socket path");
    if (path[0] != '/') {
      char cwd[PATH_MAX];
      if (::getcwd(cwd, sizeof(cwd)) != nullptr) path = std::string(cwd) + "/" + path;
    }
    o->address = "unix:" + path;
  } else {
    auto parsed = config::ParseListenAddress(o->address);
    if (!parsed.ok()) {
      return Error::Posix(EINVAL, "bad address '" + o->address +
                                      "' (expected host:port, [v6]:port or a unix socket path): " +
                                      parsed.error().context());
    }
  }
  struct stat st {};
  if (::stat(o->mountpoint.c_str(), &st) != 0) {
    int e = errno;
    return Error::Posix(e, "bad mountpoint '" + o->mountpoint + "': " + std::strerror(e));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error::Posix(ENOTDIR, "bad mountpoint '" + o->mountpoint + "': not a directory");
  }
  char* real = ::realpath(o->mountpoint.c_str(), nullptr);
  if (real != nullptr) {
    o->mountpoint = real;
    std::free(real);
  }
  return OkStatus();
}

}  // namespace zerofs::mount
