#include "cli/engine_metrics.h"

namespace zerofs::cli {

namespace {

void Collect(engine::Engine* engine, fs::FileSystem* fs, metrics::Sink* s) {
  const engine::EngineStats st = engine->Stats();
  auto counter = [s](const char* name, const char* help, uint64_t v,
                     const metrics::Labels& labels = {}) {
    s->CounterValue(name, help, labels, static_cast<double>(v));
  };
  auto gauge = [s](const char* name, const char* help, uint64_t v,
                   const metrics::Labels& labels = {}) {
    s->Gauge(name, help, labels, static_cast<double>(v));
  };
  counter("zerofs_engine_commits_total", "Transactions committed by the engine.",
          st.committed_txns);
  counter("zerofs_engine_flushes_total", "Flushes (fsync barriers) completed.", st.flushes);
  counter("zerofs_engine_segments_uploaded_total", "Segments uploaded to the store.",
          st.segments_uploaded);
  counter("zerofs_engine_uploaded_bytes_total", "Segment bytes uploaded to the store.",
          st.bytes_uploaded);
  counter("zerofs_engine_snapshots_total", "Metadata snapshots written.", st.snapshots);
  gauge("zerofs_engine_live_logical_bytes", "Logical bytes of all stored extents.",
        st.live_logical_bytes);
  gauge("zerofs_engine_live_stored_bytes", "Sealed bytes of the frames still referenced.",
        st.live_stored_bytes);
  gauge("zerofs_engine_writer_epoch", "Writer epoch of this process.", st.epoch);
  gauge("zerofs_engine_fenced", "1 if a newer writer fenced this one.", st.fenced ? 1 : 0);
  const char* hits = "Cache hits by tier.";
  const char* misses = "Cache misses by tier.";
  counter("zerofs_cache_hits_total", hits, st.cache_hits, {{"tier", "memory"}});
  counter("zerofs_cache_misses_total", misses, st.cache_misses, {{"tier", "memory"}});
  counter("zerofs_cache_hits_total", hits, st.disk_cache_hits, {{"tier", "disk"}});
  counter("zerofs_cache_misses_total", misses, st.disk_cache_misses, {{"tier", "disk"}});
  counter("zerofs_cache_bad_entries_total",
          "Disk cache entries that failed verification and were refetched.",
          st.disk_cache_bad_entries);
  gauge("zerofs_cache_disk_bytes", "Bytes the disk cache uses.", st.disk_cache_bytes);
  counter("zerofs_read_ahead_requests_total", "Background reads issued by the read-ahead.",
          st.read_ahead_requests);
  counter("zerofs_read_ahead_extents_total", "Extents the read-ahead fetched (or found cached).",
          st.read_ahead_extents);
  counter("zerofs_gc_passes_total", "Garbage collection passes.", st.gc_passes);
  counter("zerofs_gc_rewritten_bytes_total", "Live bytes GC copied out of sparse segments.",
          st.gc_bytes_rewritten);
  counter("zerofs_gc_segments_deleted_total", "Segments GC deleted.", st.gc_segments_deleted);
  counter("zerofs_gc_deleted_bytes_total", "Object bytes GC deleted.", st.gc_bytes_deleted);
  counter("zerofs_gc_orphans_deleted_total", "Unreferenced objects GC deleted.",
          st.gc_orphans_deleted);
  gauge("zerofs_fs_write_buffer_bytes",
        "File data of small writes held in memory until written back to the engine.",
        fs->BufferedWriteBytes());
  if (auto sf = fs->StatFs(); sf.ok()) {
    gauge("zerofs_fs_used_bytes", "Bytes used by files (statfs).", sf->used_bytes);
    gauge("zerofs_fs_used_inodes", "Inodes in use (statfs).", sf->used_inodes);
  }
}

}  // namespace

EngineMetrics::EngineMetrics(engine::Engine* engine, fs::FileSystem* fs,
                             metrics::Registry* registry)
    : registry_(registry),
      id_(registry->AddCollector([engine, fs](metrics::Sink* s) { Collect(engine, fs, s); })) {}

EngineMetrics::~EngineMetrics() { registry_->RemoveCollector(id_); }

}  // namespace zerofs::cli
