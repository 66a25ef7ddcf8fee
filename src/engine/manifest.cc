#include "engine/manifest.h"

#include <chrono>

#include "base/coding.h"
#include "engine/blob.h"

namespace zerofs::engine {

namespace {

constexpr std::string_view kMagic{"ZFSMAN\x00\x01", 8};
constexpr uint16_t kVersion = 1;
constexpr std::string_view kAd = "ZFSM";
constexpr size_t kMaxManifestBody = 64 << 20;

Error BadManifest(const std::string& what) { return Error(Code::kCorruption, "manifest: " + what); }

}  // namespace

uint64_t NowUnixMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string Manifest::Encode(const crypto::SecretKey& meta_key) const {
  std::string body;
  PutLE64(&body, epoch);
  PutLE64(&body, snapshot_id);
  PutLE64(&body, horizon);
  PutLE64(&body, updated_ms);
  PutLE32(&body, static_cast<uint32_t>(checkpoints.size()));
  for (const Checkpoint& c : checkpoints) {
    PutBytes32(&body, c.name);
    PutLE64(&body, c.snapshot_id);
    PutLE64(&body, c.horizon);
    PutLE64(&body, c.created_ms);
  }
  std::string out(kMagic);
  PutLE16(&out, kVersion);
  // The body is not an encoded blob (FORMAT.md): sealed as is.
  crypto::Seal(meta_key, body, kAd, &out);
  return out;
}

Result<Manifest> Manifest::Decode(std::string_view bytes, const crypto::SecretKey& meta_key) {
  if (bytes.size() < kMagic.size() + 2 || bytes.substr(0, kMagic.size()) != kMagic) {
    return BadManifest("bad magic");
  }
  const uint16_t version = LoadLE16(bytes.data() + kMagic.size());
  if (version != kVersion) return BadManifest("unsupported version " + std::to_string(version));
  auto body = crypto::Open(meta_key, bytes.substr(kMagic.size() + 2), kAd);
  if (!body.ok()) return BadManifest(body.error().context());
  if (body->size() > kMaxManifestBody) return BadManifest("too large");
  Decoder d(*body);
  Manifest m;
  uint32_t count = 0;
  if (!d.GetLE64(&m.epoch) || !d.GetLE64(&m.snapshot_id) || !d.GetLE64(&m.horizon) ||
      !d.GetLE64(&m.updated_ms) || !d.GetLE32(&count)) {
    return BadManifest("truncated body");
  }
  for (uint32_t i = 0; i < count; i++) {
    Checkpoint c;
    std::string_view name;
    if (!d.GetBytes32(&name, 4096) || !d.GetLE64(&c.snapshot_id) || !d.GetLE64(&c.horizon) ||
        !d.GetLE64(&c.created_ms)) {
      return BadManifest("truncated checkpoint " + std::to_string(i));
    }
    c.name.assign(name);
    m.checkpoints.push_back(std::move(c));
  }
  if (!d.done()) return BadManifest("trailing bytes");
  return m;
}

Result<VersionedManifest> LoadManifest(objstore::ObjectStore* store,
                                       const crypto::SecretKey& meta_key) {
  ZFS_ASSIGN_OR_RETURN(objstore::GetResult got, store->Get(kManifestKey));
  auto m = Manifest::Decode(got.data, meta_key);
  if (!m.ok()) return m.error().Wrap(store->Describe());
  return VersionedManifest{std::move(m).value(), std::move(got.etag)};
}

Result<std::string> SwapManifest(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                                 const Manifest& manifest, const std::string& etag) {
  objstore::PutOptions opts;
  opts.mode = objstore::PutMode::kIfMatch;
  opts.etag = etag;
  return store->Put(kManifestKey, manifest.Encode(meta_key), opts);
}

}  // namespace zerofs::engine
