#include "engine/snapshot.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/coding.h"
#include "engine/blob.h"

namespace zerofs::engine {

namespace fs = std::filesystem;

namespace {

constexpr uint16_t kDescriptorVersion = 1;

std::string Hex16(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string DescriptorAd(uint64_t id) {
  std::string ad = "ZFSS";
  PutLE64(&ad, id);
  return ad;
}

std::string SstAd(std::string_view object_key) {
  std::string ad = "ZFST";
  PutBytes32(&ad, object_key);
  return ad;
}

Result<std::string> ReadLocalFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Code::kIoError, "open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return Error(Code::kIoError, "read " + path.string());
  return ss.str();
}

Status WriteLocalFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Error(Code::kIoError, "write " + path.string());
  return OkStatus();
}

}  // namespace

std::string SnapshotObjectKey(uint64_t id) { return std::string(kSnapshotsPrefix) + Hex16(id); }

std::string SnapshotDescriptor::Encode(const crypto::SecretKey& meta_key, uint64_t id) const {
  std::string body;
  PutLE16(&body, kDescriptorVersion);
  PutLE64(&body, horizon);
  PutLE64(&body, created_ms);
  PutLE32(&body, static_cast<uint32_t>(files.size()));
  for (const SnapshotFile& f : files) {
    PutBytes32(&body, f.name);
    PutU8(&body, f.kind);
    PutLE64(&body, f.size);
    PutBytes32(&body, f.data);
  }
  std::string out;
  SealBlob(meta_key, crypto::Codec::kZstd, 3, body, DescriptorAd(id), &out);
  return out;
}

Result<SnapshotDescriptor> SnapshotDescriptor::Decode(std::string_view bytes,
                                                      const crypto::SecretKey& meta_key,
                                                      uint64_t id) {
  const std::string what = SnapshotObjectKey(id);
  ZFS_ASSIGN_OR_RETURN(std::string body, OpenBlob(meta_key, bytes, DescriptorAd(id), what));
  Decoder d(body);
  uint16_t version = 0;
  uint32_t count = 0;
  SnapshotDescriptor desc;
  if (!d.GetLE16(&version)) return Error(Code::kCorruption, what + ": truncated");
  if (version != kDescriptorVersion) {
    return Error(Code::kCorruption, what + ": unsupported version " + std::to_string(version));
  }
  if (!d.GetLE64(&desc.horizon) || !d.GetLE64(&desc.created_ms) || !d.GetLE32(&count)) {
    return Error(Code::kCorruption, what + ": truncated");
  }
  for (uint32_t i = 0; i < count; i++) {
    SnapshotFile f;
    std::string_view name, data;
    uint8_t kind = 0;
    if (!d.GetBytes32(&name, 255) || !d.GetU8(&kind) || !d.GetLE64(&f.size) ||
        !d.GetBytes32(&data)) {
      return Error(Code::kCorruption, what + ": truncated file entry " + std::to_string(i));
    }
    // The name becomes a local path: only plain file names are accepted.
    if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == ".." ||
        kind > SnapshotFile::kInline || (kind == SnapshotFile::kInline && data.size() != f.size)) {
      return Error(Code::kCorruption, what + ": bad file entry " + std::to_string(i));
    }
    f.name.assign(name);
    f.kind = static_cast<SnapshotFile::Kind>(kind);
    f.data.assign(data);
    desc.files.push_back(std::move(f));
  }
  if (!d.done()) return Error(Code::kCorruption, what + ": trailing bytes");
  return desc;
}

Result<SnapshotDescriptor> UploadCheckpoint(objstore::ObjectStore* store,
                                            const crypto::SecretKey& meta_key,
                                            const std::string& dir, uint64_t incarnation,
                                            uint64_t horizon, SstObjectMap* uploaded) {
  SnapshotDescriptor desc;
  desc.horizon = horizon;
  desc.created_ms = 0;
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) paths.push_back(entry.path());
  if (ec) return Error(Code::kIoError, "list checkpoint " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    const std::string name = path.filename().string();
    if (path.extension() == ".log") continue;
    ZFS_ASSIGN_OR_RETURN(std::string bytes, ReadLocalFile(path));
    SnapshotFile f;
    f.name = name;
    f.size = bytes.size();
    if (path.extension() != ".sst") {
      f.kind = SnapshotFile::kInline;
      f.data = std::move(bytes);
      desc.files.push_back(std::move(f));
      continue;
    }
    f.kind = SnapshotFile::kObject;
    auto known = uploaded->find(name);
    if (known != uploaded->end()) {
      f.data = known->second;
    } else {
      f.data = std::string(kSstPrefix) + Hex16(incarnation) + "-" + name;
      std::string sealed;
      crypto::Seal(meta_key, bytes, SstAd(f.data), &sealed);
      objstore::PutOptions opts;
      opts.mode = objstore::PutMode::kIfNoneMatch;
      auto put = store->Put(f.data, sealed, opts);
      // kAlreadyExists: an earlier attempt of ours landed (the incarnation is
      // random and only this process uses it); the bytes are equivalent.
      if (!put.ok() && put.error().code() != Code::kAlreadyExists) {
        return put.error().Wrap("upload " + f.data);
      }
      (*uploaded)[name] = f.data;
    }
    desc.files.push_back(std::move(f));
  }
  return desc;
}

Result<SstObjectMap> RestoreSnapshot(objstore::ObjectStore* store,
                                     const crypto::SecretKey& meta_key, uint64_t id,
                                     const std::string& dir, uint64_t* horizon) {
  const std::string key = SnapshotObjectKey(id);
  ZFS_ASSIGN_OR_RETURN(objstore::GetResult got, store->Get(key));
  ZFS_ASSIGN_OR_RETURN(SnapshotDescriptor desc, SnapshotDescriptor::Decode(got.data, meta_key, id));
  *horizon = desc.horizon;
  SstObjectMap map;
  for (const SnapshotFile& f : desc.files) {
    std::string bytes;
    if (f.kind == SnapshotFile::kInline) {
      bytes = f.data;
    } else {
      ZFS_ASSIGN_OR_RETURN(objstore::GetResult sst, store->Get(f.data));
      auto plain = crypto::Open(meta_key, sst.data, SstAd(f.data));
      if (!plain.ok()) {
        return Error(Code::kCorruption, f.data + " (in " + key + "): " + plain.error().context());
      }
      bytes = std::move(plain).value();
      map[f.name] = f.data;
    }
    if (bytes.size() != f.size) {
      return Error(Code::kCorruption, key + ": size mismatch for " + f.name);
    }
    ZFS_RETURN_IF_ERROR(WriteLocalFile(fs::path(dir) / f.name, bytes));
  }
  return map;
}

Status PublishSnapshot(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                       uint64_t epoch, const SnapshotDescriptor& desc, VersionedManifest* current) {
  auto fenced = [&](uint64_t other) {
    return Error(Code::kFenced, "another writer (epoch " + std::to_string(other) +
                                    ") has taken over " + store->Describe());
  };
  uint64_t id = current->manifest.snapshot_id + 1;
  for (int attempt = 0; attempt < 20; attempt++) {
    if (current->manifest.epoch != epoch) return fenced(current->manifest.epoch);
    objstore::PutOptions create;
    create.mode = objstore::PutMode::kIfNoneMatch;
    auto put = store->Put(SnapshotObjectKey(id), desc.Encode(meta_key, id), create);
    if (!put.ok()) {
      if (put.error().code() != Code::kAlreadyExists) {
        return put.error().Wrap("upload " + SnapshotObjectKey(id));
      }
      // A descriptor of an earlier attempt whose manifest swap failed (or
      // whose PUT response was lost): never reuse an id, take the next.
      id++;
      continue;
    }
    Manifest next = current->manifest;
    next.snapshot_id = id;
    next.horizon = desc.horizon;
    next.updated_ms = NowUnixMs();
    auto etag = SwapManifest(store, meta_key, next, current->etag);
    if (etag.ok()) {
      *current = VersionedManifest{next, std::move(etag).value()};
      return OkStatus();
    }
    if (etag.error().code() != Code::kPreconditionFailed) {
      return etag.error().Wrap("update manifest");
    }
    ZFS_ASSIGN_OR_RETURN(*current, LoadManifest(store, meta_key));
    id = std::max(id + 1, current->manifest.snapshot_id + 1);
  }
  return Error(Code::kIoError, "could not publish a snapshot at " + store->Describe() +
                                   ": the manifest keeps changing");
}

}  // namespace zerofs::engine
