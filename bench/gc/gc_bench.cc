// bench_gc [--file-mb N] [--seconds S] [--dir DIR]
//
// Fills one file of N MiB (default 256), then overwrites random 32 KiB
// extents with incompressible data for S seconds (default 30), twice: with
// garbage collection off and on (a pass every second, a snapshot every two,
// no reader grace). Prints the foreground write rate, the bytes GC
// reclaimed per second, and the space amplification (segment bytes in the
// bucket / live stored bytes) at the end of each run.
//
// In-process through the engine on a local store: what it measures is the
// engine and GC, not a network protocol.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "crypto/key_file.h"
#include "engine/engine.h"
#include "objstore/local_store.h"

namespace {

using namespace zerofs;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_gc: %s\n", what.c_str());
  std::exit(1);
}

void Fill(std::mt19937_64& rng, std::string* s) {
  for (size_t i = 0; i < s->size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(s->data() + i, &v, 8);
  }
}

uint64_t SegmentBytes(objstore::ObjectStore* store) {
  auto all = store->ListAll("segments/");
  if (!all.ok()) Die(all.error().ToString());
  uint64_t n = 0;
  for (const auto& o : *all) n += o.size;
  return n;
}

void RunOnce(const std::string& dir, uint64_t file_mb, int seconds, bool gc) {
  std::filesystem::remove_all(dir);
  auto store = objstore::LocalStore::Open(dir + "/bucket");
  if (!store.ok()) Die(store.error().ToString());
  engine::EngineOptions o;
  o.store = *store;
  o.password = "bench";
  o.local_dir = dir + "/local";
  o.segment_bytes = 32ull << 20;
  o.flush_interval = std::chrono::milliseconds(1000);
  o.snapshot_interval = std::chrono::milliseconds(2000);
  o.kdf = crypto::KdfParams::Interactive();
  o.codec = crypto::Codec::kLz4;
  o.gc_enabled = gc;
  o.gc_interval = std::chrono::milliseconds(1000);
  o.gc_reader_grace = std::chrono::milliseconds(0);
  auto opened = engine::Engine::Open(o);
  if (!opened.ok()) Die(opened.error().ToString());
  engine::Engine* e = opened->get();
  const uint64_t extents = (file_mb << 20) / engine::kExtentSize;
  std::mt19937_64 rng(1);
  std::string data(engine::kExtentSize, '\0');
  for (uint64_t i = 0; i < extents; i += 32) {
    engine::Transaction t;
    for (uint64_t j = i; j < std::min(extents, i + 32); j++) {
      Fill(rng, &data);
      t.WriteExtent(1, j, data);
    }
    if (!e->Commit(std::move(t)).ok()) Die("fill");
  }
  if (!e->Flush().ok()) Die("flush");
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  uint64_t written = 0;
  while (Clock::now() < end) {
    engine::Transaction t;
    for (int k = 0; k < 8; k++) {
      Fill(rng, &data);
      t.WriteExtent(1, rng() % extents, data);
      written += data.size();
    }
    if (!e->Commit(std::move(t)).ok()) Die("commit");
  }
  if (!e->Flush().ok()) Die("flush");
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const engine::EngineStats st = e->Stats();
  const uint64_t bucket = SegmentBytes(store->get());
  std::printf(
      "gc %-3s: foreground %.1f MiB/s, GC reclaimed %.1f MiB/s (rewrote %.1f MiB, deleted %llu "
      "segments), space amplification %.2fx (%.0f MiB in segments, %.0f MiB live)\n",
      gc ? "on" : "off", written / secs / 1048576.0, st.gc_bytes_deleted / secs / 1048576.0,
      st.gc_bytes_rewritten / 1048576.0, static_cast<unsigned long long>(st.gc_segments_deleted),
      static_cast<double>(bucket) / static_cast<double>(st.live_stored_bytes), bucket / 1048576.0,
      st.live_stored_bytes / 1048576.0);
  std::fflush(stdout);
  if (!e->Close().ok()) Die("close");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t file_mb = 256;
  int seconds = 30;
  std::string dir = "/tmp/zerofs-bench-gc";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--file-mb") {
      file_mb = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (a == "--seconds") {
      seconds = std::atoi(argv[i + 1]);
    } else if (a == "--dir") {
      dir = argv[i + 1];
    } else {
      Die("unknown option " + a);
    }
  }
  RunOnce(dir, file_mb, seconds, /*gc=*/false);
  RunOnce(dir, file_mb, seconds, /*gc=*/true);
  std::filesystem::remove_all(dir);
  return 0;
}
