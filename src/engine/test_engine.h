// Helpers shared by the engine's unit tests (header-only; never linked into
// the server): test engine options and damaging a stored segment.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "objstore/forwarding_store.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

// Options for a test engine on `store` with its index in `local_dir`: small
// segments, no timers, a cheap KDF.
inline EngineOptions TestEngineOptions(std::shared_ptr<objstore::ObjectStore> store,
                                       std::string local_dir) {
  EngineOptions o;
  o.store = std::move(store);
  o.password = "correct horse";
  o.local_dir = std::move(local_dir);
  o.segment_bytes = 1 << 20;
  o.flush_interval = std::chrono::milliseconds(0);
  o.snapshot_interval = std::chrono::milliseconds(0);
  o.memory_cache_bytes = 4 << 20;
  o.kdf = crypto::KdfParams::Interactive();
  return o;
}

// Passes everything on and counts the GETs of keys under one prefix
// (e.g. "segments/" for the data path, "sst/" for a snapshot restore).
class PrefixGetCounter : public objstore::ForwardingStore {
 public:
  PrefixGetCounter(std::shared_ptr<objstore::ObjectStore> base, std::string prefix)
      : ForwardingStore(std::move(base)), prefix_(std::move(prefix)) {}

  Result<objstore::GetResult> Get(std::string_view key,
                                  std::optional<objstore::ByteRange> range) override {
    if (key.rfind(prefix_, 0) == 0) gets++;
    return ForwardingStore::Get(key, range);
  }

  std::atomic<uint64_t> gets{0};

 private:
  const std::string prefix_;
};

// The key of the largest segment object (the one that holds frames).
inline std::string LargestSegmentKey(objstore::ObjectStore& store) {
  auto segs = store.ListAll("segments/");
  EXPECT_TRUE(segs.ok());
  std::string key;
  uint64_t biggest = 0;
  for (const auto& o : segs.ok() ? *segs : std::vector<objstore::ObjectInfo>{}) {
    if (o.size > biggest) {
      biggest = o.size;
      key = o.key;
    }
  }
  return key;
}

// XORs the byte at `offset` of the file at `path` with `mask`.
inline void FlipByte(const std::string& path, uint64_t offset, char mask) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ mask);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

}  // namespace zerofs::engine
