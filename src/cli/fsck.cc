// `zerofs fsck -c FILE`: checks the store read-only. It opens the engine
// without becoming the writer (no epoch bump, no claim segment, no probe
// writes), so it can run next to a live server; it sees the store as of the
// latest durable segment when it starts.
#include <chrono>
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "cli/report.h"
#include "engine/fsck.h"
#include "fs/fsck_tree.h"

namespace zerofs::cli {

namespace {

void Progress(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

double Mib(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

int Fsck(const config::Config& config) {
  const auto start = std::chrono::steady_clock::now();
  auto store = OpenConfiguredStore(config, /*probe=*/false);
  if (!store.ok()) return ReportError(store.error());
  engine::EngineOptions options = EngineOptionsFor(config, *store);
  options.read_only = true;
  options.create_if_missing = false;
  options.gc_enabled = false;
  // Its own index directory: never the one a writer on this host uses.
  options.local_dir = IndexDirFor(config, "fsck");
  // Checks the bucket's bytes, never a local copy of them.
  options.disk_cache_dir.clear();
  Progress("fsck: loading the latest snapshot and replaying the journal of " +
           (*store)->Describe());
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) return ReportError(engine.error().Wrap("fsck: cannot open the store"));

  auto storage = engine::CheckStore(engine->get(), Progress);
  if (!storage.ok()) return ReportError(storage.error().Wrap("fsck"));
  Progress("fsck: checking the directory tree");
  auto tree = fs::CheckConsistency(engine->get());
  if (!tree.ok()) return ReportError(tree.error().Wrap("fsck"));
  (void)(*engine)->Close();

  const engine::StoreCheckReport& s = *storage;
  std::printf("segments: %llu in the bucket, %llu referenced and read, %llu awaiting GC\n",
              static_cast<unsigned long long>(s.segments),
              static_cast<unsigned long long>(s.segments_read),
              static_cast<unsigned long long>(s.unreferenced_segments));
  std::printf("extents:  %llu (%.1f MiB stored), %llu frames verified (%.1f MiB)\n",
              static_cast<unsigned long long>(s.extents), Mib(s.live_stored_bytes),
              static_cast<unsigned long long>(s.frames_verified), Mib(s.bytes_verified));
  std::printf(
      "tree:     %llu inodes, %llu directories, %llu entries, %llu orphans pending "
      "cleanup, %llu xattrs\n",
      static_cast<unsigned long long>(tree->inodes),
      static_cast<unsigned long long>(tree->directories),
      static_cast<unsigned long long>(tree->entries),
      static_cast<unsigned long long>(tree->orphans),
      static_cast<unsigned long long>(tree->xattrs));
  for (const std::string& n : s.notes) std::printf("note: %s\n", n.c_str());
  size_t problems = 0;
  for (const std::string& p : s.problems) {
    std::printf("PROBLEM: %s\n", p.c_str());
    problems++;
  }
  for (const std::string& p : tree->problems) {
    std::printf("PROBLEM: %s\n", p.c_str());
    problems++;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (problems > 0) {
    std::printf("fsck: %zu problem(s) found in %.1fs\n", problems, secs);
    std::fflush(stdout);
    return kExitFailure;
  }
  std::printf("fsck: store is consistent (%.1fs)\n", secs);
  return kExitOk;
}

}  // namespace zerofs::cli
