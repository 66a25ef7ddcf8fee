#include "engine/clean_close.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs::engine {

namespace {

constexpr std::string_view kMagic = "ZFSCLEAN";
constexpr uint32_t kVersion = 1;
constexpr std::string_view kFileName = "CLEAN";
// Bounds for a damaged record's lengths (SST names are "000123.sst", object
// keys "sst/<16 hex>-<name>").
constexpr uint32_t kMaxEntries = 1 << 20;
constexpr uint16_t kMaxNameBytes = 255;

Error Damaged(const std::string& what) {
  return Error(Code::kCorruption, "clean-close record: " + what);
}

bool FsyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::string CleanClose::Encode() const {
  std::string out(kMagic);
  PutLE32(&out, kVersion);
  PutLE64(&out, epoch);
  PutLE64(&out, snapshot_id);
  PutLE64(&out, horizon);
  PutLE64(&out, incarnation);
  PutLE16(&out, static_cast<uint16_t>(manifest_etag.size()));
  out.append(manifest_etag);
  PutLE32(&out, static_cast<uint32_t>(sst_objects.size()));
  for (const auto& [name, key] : sst_objects) {
    PutLE16(&out, static_cast<uint16_t>(name.size()));
    out.append(name);
    PutLE16(&out, static_cast<uint16_t>(key.size()));
    out.append(key);
  }
  PutLE32(&out, Crc32c(out));
  return out;
}

Result<CleanClose> CleanClose::Decode(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 4 + 4 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Damaged("bad magic");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  if (Crc32c(body) != LoadLE32(bytes.data() + body.size())) return Damaged("checksum mismatch");
  Decoder d(body.substr(kMagic.size()));
  uint32_t version = 0, count = 0;
  uint16_t etag_size = 0;
  std::string_view etag;
  CleanClose r;
  if (!d.GetLE32(&version)) return Damaged("truncated");
  if (version != kVersion) return Damaged("unknown version " + std::to_string(version));
  if (!d.GetLE64(&r.epoch) || !d.GetLE64(&r.snapshot_id) || !d.GetLE64(&r.horizon) ||
      !d.GetLE64(&r.incarnation) || !d.GetLE16(&etag_size) || etag_size > kMaxNameBytes ||
      !d.GetRaw(etag_size, &etag) || !d.GetLE32(&count) || count > kMaxEntries) {
    return Damaged("truncated header");
  }
  r.manifest_etag = etag;
  for (uint32_t i = 0; i < count; i++) {
    uint16_t n = 0, k = 0;
    std::string_view name, key;
    if (!d.GetLE16(&n) || n == 0 || n > kMaxNameBytes || !d.GetRaw(n, &name) || !d.GetLE16(&k) ||
        k == 0 || k > kMaxNameBytes || !d.GetRaw(k, &key)) {
      return Damaged("truncated SST list");
    }
    r.sst_objects.emplace(std::string(name), std::string(key));
  }
  if (!d.done()) return Damaged("trailing bytes");
  return r;
}

Status WriteCleanClose(const std::string& local_dir, const CleanClose& record) {
  const std::string path = local_dir + "/" + std::string(kFileName);
  const std::string tmp = path + ".tmp";
  const std::string bytes = record.Encode();
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error(Code::kIoError, "create " + tmp + ": " + std::strerror(errno));
  bool ok = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ok = fsync(fd) == 0 && ok;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Error(Code::kIoError, "write " + path + ": " + std::strerror(err));
  }
  if (!FsyncPath(local_dir, O_RDONLY | O_DIRECTORY)) {
    return Error(Code::kIoError, "fsync " + local_dir + ": " + std::strerror(errno));
  }
  return OkStatus();
}

std::optional<CleanClose> TakeCleanClose(const std::string& local_dir) {
  const std::string path = local_dir + "/" + std::string(kFileName);
  unlink((path + ".tmp").c_str());  // an interrupted WriteCleanClose
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string bytes;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) bytes.append(buf, static_cast<size_t>(n));
  close(fd);
  auto record = CleanClose::Decode(bytes);
  // Gone before the index is used: durably, or the index is not reused.
  if (unlink(path.c_str()) != 0 || !FsyncPath(local_dir, O_RDONLY | O_DIRECTORY) || n < 0 ||
      !record.ok()) {
    return std::nullopt;
  }
  return std::move(record).value();
}

}  // namespace zerofs::engine
