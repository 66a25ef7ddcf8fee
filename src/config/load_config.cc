#include "config/load_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <toml++/toml.h>

#include "config/config_schema.h"
#include "config/section_readers.h"
#include "config/table_reader.h"

namespace zerofs::config {

namespace {

// A configuration file is a few KiB; anything much larger is the wrong file.
constexpr size_t kMaxFileSize = 1 << 20;

// Error contexts are printed as one line: fold any line breaks or control
// characters (from toml++ descriptions or odd quoted keys) into spaces.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

Error InOrigin(std::string_view origin, const Error& e) {
  return Error(e.code(), OneLine(std::string(origin) + ": " + e.context()));
}

// A key such as `url = ...` written above every [section] lands in the root
// table; point at the section it belongs to.
Status RejectStrayRootKeys(const toml::table& root) {
  for (auto&& [k, v] : root) {
    bool is_section = false;
    for (std::string_view s : schema::kRoot) is_section = is_section || k.str() == s;
    if (is_section) continue;
    for (const schema::Section& section : schema::kSections) {
      for (std::string_view key : section.keys) {
        if (k.str() == key) {
          return Error(Code::kInvalidArgument, "unknown key '" + std::string(k.str()) +
                                                   "' (did you mean '" + std::string(section.path) +
                                                   "." + std::string(key) + "'?)");
        }
      }
    }
  }
  return OkStatus();
}

Result<Config> ReadConfig(const toml::table& root, const EnvLookup& env) {
  TableReader r(&root, "", &env);
  ZFS_RETURN_IF_ERROR(RejectStrayRootKeys(root));
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kRoot));
  Config c;
  // Storage first: it is the one section every file needs.
  ZFS_ASSIGN_OR_RETURN(TableReader storage, r.Table("storage"));
  ZFS_RETURN_IF_ERROR(ReadStorage(storage, &c.storage));
  ZFS_ASSIGN_OR_RETURN(TableReader cache, r.Table("cache"));
  ZFS_RETURN_IF_ERROR(ReadCache(cache, &c.cache));
  ZFS_ASSIGN_OR_RETURN(TableReader filesystem, r.Table("filesystem"));
  ZFS_RETURN_IF_ERROR(ReadFilesystem(filesystem, &c.filesystem));
  ZFS_ASSIGN_OR_RETURN(TableReader servers, r.Table("servers"));
  ZFS_RETURN_IF_ERROR(ReadServers(servers, &c.servers));
  ZFS_ASSIGN_OR_RETURN(TableReader aws, r.Table("aws"));
  ZFS_RETURN_IF_ERROR(ReadAws(aws, &c.aws));
  ZFS_ASSIGN_OR_RETURN(TableReader azure, r.Table("azure"));
  ZFS_RETURN_IF_ERROR(ReadAzure(azure, &c.azure));
  ZFS_ASSIGN_OR_RETURN(TableReader gcp, r.Table("gcp"));
  ZFS_RETURN_IF_ERROR(ReadGcp(gcp, &c.gcp));
  ZFS_ASSIGN_OR_RETURN(TableReader gc, r.Table("gc"));
  ZFS_RETURN_IF_ERROR(ReadGc(gc, &c.gc));
  ZFS_ASSIGN_OR_RETURN(TableReader replication, r.Table("replication"));
  ZFS_RETURN_IF_ERROR(ReadReplication(replication, &c.replication));
  return c;
}

Result<std::string> ReadFile(const std::string& path) {
  auto fail = [&path](int err, std::string_view what) {
    Code code = err == ENOENT   ? Code::kNotFound
                : err == EACCES ? Code::kPermissionDenied
                                : Code::kIoError;
    return Error(code, path + ": " + std::string(what) + ": " + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno, "cannot open");
  std::string text;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(err, "cannot read");
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxFileSize) {
      ::close(fd);
      return Error(Code::kInvalidArgument, path + ": larger than 1 MiB; is it the right file?");
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view origin, const EnvLookup& env) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Error(Code::kInvalidArgument,
                 OneLine(std::string(origin) + ":" + std::to_string(at.line) + ":" +
                         std::to_string(at.column) + ": " + std::string(e.description())));
  }
  Result<Config> config = ReadConfig(root, env);
  if (!config.ok()) return InOrigin(origin, config.error());
  return config;
}

Result<Config> ParseConfig(std::string_view text, std::string_view origin) {
  return ParseConfig(text, origin, ProcessEnv());
}

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  ZFS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseConfig(text, path, env);
}

Result<Config> LoadConfig(const std::string& path) { return LoadConfig(path, ProcessEnv()); }

std::vector<std::string> KnownKeys() {
  std::vector<std::string> keys;
  for (const schema::Section& section : schema::kSections) {
    for (std::string_view key : section.keys) {
      keys.push_back(std::string(section.path) + "." + std::string(key));
    }
  }
  return keys;
}

}  // namespace zerofs::config
