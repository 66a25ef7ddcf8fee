#include "objstore/url.h"

#include <algorithm>
#include <cctype>

#include "objstore/azure_config.h"
#include "objstore/azure_store.h"
#include "objstore/local_store.h"
#include "objstore/s3_config.h"
#include "objstore/s3_store.h"

namespace zerofs::objstore {
namespace {

Error BadUrl(std::string_view url, std::string_view why) {
  std::string msg = "storage URL '";
  msg.append(url);
  msg += "': ";
  msg.append(why);
  return Error(Code::kInvalidArgument, std::move(msg));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Collapses repeated '/' and drops a trailing one: "/a//b/" -> "/a/b".
std::string CleanPath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Result<StorageUrl> ParseLocal(std::string_view url, std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return BadUrl(url, "file:// needs an absolute path, as in file:///var/lib/zerofs");
  }
  if (path.find('\0') != std::string_view::npos) return BadUrl(url, "path contains a NUL byte");
  StorageUrl out;
  out.scheme = "file";
  out.path = CleanPath(path);
  return out;
}

Result<StorageUrl> ParseBucket(std::string_view url, std::string scheme, std::string_view rest) {
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.empty()) return BadUrl(url, "missing bucket or container name");
  for (char c : bucket) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '@' || c == ':' || c == '?' ||
        c == '#' || c == '\0') {
      return BadUrl(url, "invalid bucket or container name (credentials do not belong in the URL)");
    }
  }
  StorageUrl out;
  out.scheme = std::move(scheme);
  out.bucket = std::string(bucket);
  if (slash != std::string_view::npos) {
    std::string prefix = CleanPath(rest.substr(slash));  // starts with '/'
    out.prefix = prefix.substr(1);
    if (out.prefix.find('\0') != std::string::npos || out.prefix.find('?') != std::string::npos ||
        out.prefix.find('#') != std::string::npos) {
      return BadUrl(url, "invalid character in the prefix");
    }
  }
  return out;
}

}  // namespace

std::string StorageUrl::ToString() const {
  if (scheme == "file") return "file://" + path;
  std::string s = scheme + "://" + bucket;
  if (!prefix.empty()) s += "/" + prefix;
  return s;
}

Result<StorageUrl> ParseStorageUrl(std::string_view url) {
  if (url.starts_with("/")) return ParseLocal(url, url);
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return BadUrl(url, "expected file:///absolute/path, s3://, azure:// (az://) or gs://");
  }
  std::string scheme = Lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (scheme == "file") return ParseLocal(url, rest);
  if (scheme == "az") scheme = "azure";
  if (scheme == "s3" || scheme == "azure" || scheme == "gs") {
    return ParseBucket(url, std::move(scheme), rest);
  }
  std::string msg = "unsupported storage URL scheme '" + scheme + "' in ";
  msg.append(url);
  msg += " (use file://, s3://, azure://, gs://)";
  return Error(Code::kInvalidArgument, std::move(msg));
}

Result<std::shared_ptr<ObjectStore>> OpenObjectStore(const StorageUrl& url,
                                                     const CloudOptions& cloud) {
  if (url.scheme == "file") {
    ZFS_ASSIGN_OR_RETURN(std::shared_ptr<LocalStore> store, LocalStore::Open(url.path));
    return std::shared_ptr<ObjectStore>(std::move(store));
  }
  if (url.scheme == "s3") {
    ZFS_ASSIGN_OR_RETURN(S3Config config, S3ConfigForAws(url, cloud.aws));
    return std::shared_ptr<ObjectStore>(S3Store::Open(std::move(config)));
  }
  if (url.scheme == "gs") {
    ZFS_ASSIGN_OR_RETURN(S3Config config, S3ConfigForGcp(url, cloud.gcp));
    return std::shared_ptr<ObjectStore>(S3Store::Open(std::move(config)));
  }
  if (url.scheme == "azure") {
    ZFS_ASSIGN_OR_RETURN(AzureConfig config, AzureConfigFor(url, cloud.azure));
    return std::shared_ptr<ObjectStore>(AzureStore::Open(std::move(config)));
  }
  return Error(Code::kInvalidArgument, "unsupported storage URL scheme '" + url.scheme + "' in " +
                                           url.ToString() +
                                           " (use file://, s3://, azure://, gs://)");
}

}  // namespace zerofs::objstore
