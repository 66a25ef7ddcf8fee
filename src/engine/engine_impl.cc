#include "engine/engine_impl.h"

#include "base/metrics.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include <rocksdb/cache.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include "base/coding.h"
#include "engine/applier.h"
#include "engine/inode_bytes.h"
#include "engine/keys.h"
#include "engine/recovery.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDbDirPrefix = "db-";

std::string Hex16(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

uint64_t RandomU64() { return LoadLE64(crypto::SecretKey::Random().data()); }

rocksdb::WriteOptions NoWal() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // durability comes from the bucket
  return wo;
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options) {
  if (!options.store) return Error(Code::kInvalidArgument, "engine: no object store");
  if (options.local_dir.empty()) return Error(Code::kInvalidArgument, "engine: no local_dir");
  if (options.segment_bytes == 0) {
    return Error(Code::kInvalidArgument, "engine: segment_bytes must be > 0");
  }
  auto impl = std::make_unique<EngineImpl>(std::move(options));
  ZFS_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Engine>(std::move(impl));
}

EngineImpl::EngineImpl(EngineOptions options)
    : options_(std::move(options)),
      cache_(options_.memory_cache_bytes),
      get_slots_(
          std::make_unique<std::counting_semaphore<>>(std::max(1, options_.max_concurrent_gets))),
      // How long a durability barrier takes is what fsync-heavy clients feel.
      flush_latency_(metrics::Registry::Global().GetHistogram(
          "zerofs_engine_flush_seconds", "Time for a flush (fsync barrier) to be durable.")) {
  if (options_.read_ahead_extents > 0) {
    prefetcher_ = std::make_unique<Prefetcher>(
        [this](uint64_t ino, uint64_t first, uint64_t count) { ReadAhead(ino, first, count); },
        options_.read_ahead_extents, /*threads=*/2);
  }
}

EngineImpl::~EngineImpl() {
  if (closed_) return;
  if (options_.test_skip_close_on_destroy || !db_) {
    Shutdown(/*abandon=*/true);
  } else {
    Status s = Close();
    if (!s.ok()) spdlog::error("zerofs: engine close failed: {}", s.error().ToString());
  }
}

Status EngineImpl::CheckOpen() const {
  if (closed_) return Error(Code::kIoError, "engine is closed");
  return OkStatus();
}

Status EngineImpl::LockLocalDir() {
  const std::string path = options_.local_dir + "/LOCK";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Error(Code::kIoError, "open " + path + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Error(Code::kIoError,
                 "local directory " + options_.local_dir + " is in use by another zerofs engine");
  }
  return OkStatus();
}

void EngineImpl::RemoveOldDbDirs() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.local_dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool stale_db = name.rfind(kDbDirPrefix, 0) == 0 && entry.path() != fs::path(db_dir_);
    const bool stale_ckpt = name.rfind("ckpt-", 0) == 0;
    if (stale_db || stale_ckpt) fs::remove_all(entry.path(), ec);
  }
}

Status EngineImpl::OpenLocalDb(const std::string& dir) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_manifest_file_size = 4 << 20;
  o.max_open_files = 512;
  o.keep_log_file_num = 4;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(32 << 20);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  ZFS_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(o, dir, &db), "open index " + dir));
  db_.reset(db);
  return OkStatus();
}

bool EngineImpl::ReuseCleanIndex(const std::optional<CleanClose>& clean, const Manifest& manifest,
                                 uint64_t* replay_after) {
  if (!clean || clean->snapshot_id != manifest.snapshot_id || clean->horizon != manifest.horizon) {
    return false;
  }
  const std::string dir =
      options_.local_dir + "/" + std::string(kDbDirPrefix) + Hex16(clean->incarnation);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  Status opened = OpenLocalDb(dir);
  Result<uint64_t> applied =
      opened.ok() ? ReadAppliedSegment(db_.get()) : Result<uint64_t>(opened.error());
  // The index must hold at least the snapshot's segments; those it applied
  // after them (the segment the last writer claimed at open) are not
  // applied twice: replay starts after them.
  if (!applied.ok() || *applied < manifest.horizon) {
    spdlog::warn("zerofs: not reusing the local index {} ({}); restoring the snapshot", dir,
                 applied.ok() ? "it covers less than the snapshot" : applied.error().ToString());
    db_.reset();
    return false;
  }
  incarnation_ = clean->incarnation;
  db_dir_ = dir;
  sst_objects_ = clean->sst_objects;
  *replay_after = *applied;
  spdlog::info("zerofs: reusing the local index of the last clean close ({}, snapshot {})", dir,
               manifest.snapshot_id);
  return true;
}

std::optional<CleanClose> EngineImpl::CleanRecord() {
  // Without a WAL the memtable is only on disk once flushed.
  rocksdb::FlushOptions fo;
  fo.wait = true;
  if (!db_->Flush(fo).ok()) return std::nullopt;
  CleanClose record;
  record.epoch = epoch_;
  record.incarnation = incarnation_;
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    record.snapshot_id = manifest_.manifest.snapshot_id;
    record.horizon = manifest_.manifest.horizon;
    record.manifest_etag = manifest_.etag;
  }
  {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    record.sst_objects = sst_objects_;
  }
  if (record.snapshot_id == 0) return std::nullopt;  // nothing to check it against at open
  return record;
}

Status EngineImpl::Init() {
  objstore::ObjectStore* store = options_.store.get();
  const bool writer = !options_.read_only;
  std::error_code ec;
  fs::create_directories(options_.local_dir, ec);
  if (ec) return Error(Code::kIoError, "create " + options_.local_dir + ": " + ec.message());
  if (writer) ZFS_RETURN_IF_ERROR(LockLocalDir());
  if (!options_.disk_cache_dir.empty() && options_.disk_cache_bytes > 0) {
    auto disk = cache::DiskCache::Open(
        cache::DiskCacheOptions{options_.disk_cache_dir, options_.disk_cache_bytes});
    if (disk.ok()) {
      disk_cache_ = std::move(disk).value();
    } else if (writer) {
      return disk.error();
    } else {
      spdlog::warn("zerofs: reading without the disk cache: {}", disk.error().ToString());
    }
  }

  // (a) key, (b) manifest, (c) epoch.
  ZFS_ASSIGN_OR_RETURN(crypto::SecretKey data_key, LoadOrCreateKey(options_));
  keys_ = crypto::DeriveSubkeys(data_key);
  ZFS_ASSIGN_OR_RETURN(
      VersionedManifest manifest,
      LoadOrCreateManifest(store, keys_.meta, writer && options_.create_if_missing));
  // The clean-close record names the manifest the writer that left it saw
  // last: it is reusable only if nobody changed the bucket since.
  std::optional<CleanClose> clean;
  if (writer) clean = TakeCleanClose(options_.local_dir);
  if (clean && (clean->epoch != manifest.manifest.epoch || clean->manifest_etag != manifest.etag)) {
    clean.reset();
  }
  if (writer) {
    ZFS_ASSIGN_OR_RETURN(manifest, BumpEpoch(store, keys_.meta, std::move(manifest)));
  }
  epoch_ = manifest.manifest.epoch;

  // (d) the local index: the one a clean close left, if nobody wrote since;
  // else a fresh one from the snapshot, if there is one.
  const uint64_t horizon = manifest.manifest.horizon;
  uint64_t replay_after = horizon;
  const bool reused = writer && ReuseCleanIndex(clean, manifest.manifest, &replay_after);
  if (!reused) {
    incarnation_ = RandomU64();
    db_dir_ = options_.local_dir + "/" + std::string(kDbDirPrefix) + Hex16(incarnation_);
    fs::remove_all(db_dir_, ec);
    fs::create_directories(db_dir_, ec);
    if (ec) return Error(Code::kIoError, "create " + db_dir_ + ": " + ec.message());
    if (manifest.manifest.snapshot_id != 0) {
      uint64_t snap_horizon = 0;
      ZFS_ASSIGN_OR_RETURN(
          sst_objects_, RestoreSnapshot(store, keys_.meta, manifest.manifest.snapshot_id, db_dir_,
                                        &snap_horizon));
      if (snap_horizon != horizon) {
        return Error(Code::kCorruption, SnapshotObjectKey(manifest.manifest.snapshot_id) +
                                            ": horizon does not match the manifest");
      }
    }
    ZFS_RETURN_IF_ERROR(OpenLocalDb(db_dir_));
    if (manifest.manifest.snapshot_id != 0) {
      ZFS_ASSIGN_OR_RETURN(uint64_t applied, ReadAppliedSegment(db_.get()));
      if (applied != horizon) {
        return Error(Code::kCorruption, SnapshotObjectKey(manifest.manifest.snapshot_id) +
                                            ": index covers segment " + std::to_string(applied) +
                                            ", manifest says " + std::to_string(horizon));
      }
    }
  }
  if (writer) RemoveOldDbDirs();

  // (e) replay, (f) claim the next id.
  ZFS_ASSIGN_OR_RETURN(uint64_t last, ReplayAfter(store, keys_, db_.get(), replay_after));
  ZFS_RETURN_IF_ERROR(EnsureInodeBytes(db_.get()));
  if (writer) {
    ZFS_ASSIGN_OR_RETURN(last, ClaimNextSegment(store, keys_, db_.get(), epoch_, last));
  }
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    manifest_ = std::move(manifest);
  }

  PipelineOptions po;
  po.store = store;
  po.meta_key = keys_.meta;
  po.codec = options_.codec;
  po.codec_level = options_.codec_level;
  po.epoch = epoch_;
  po.segment_bytes = options_.segment_bytes;
  po.durable_id = last;
  po.on_sealed = [this](uint64_t id, const JournalRecord& info) -> Status {
    Applier applier(db_.get());
    ZFS_RETURN_IF_ERROR(applier.Apply(id, info));
    ZFS_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, applier.Finish());
    return FromRocks(db_->Write(NoWal(), batch), "index write");
  };
  if (disk_cache_ && options_.disk_cache_uploads) {
    po.on_uploaded = [this](uint64_t id, std::string_view bytes,
                            const std::vector<DirectoryEntry>& frames) {
      CacheUploadedFrames(id, bytes, frames);
    };
  }
  po.read_epoch = [this]() -> Result<uint64_t> {
    ZFS_ASSIGN_OR_RETURN(VersionedManifest m, LoadManifest(options_.store.get(), keys_.meta));
    return m.manifest.epoch;
  };
  pipeline_ = std::make_unique<SegmentPipeline>(std::move(po));
  if (writer) {
    pipeline_->Start();
    bg_thread_ = std::thread([this] { BackgroundLoop(); });
    if (options_.gc_enabled) {
      GcOptions go;
      go.interval = options_.gc_interval;
      go.dead_ratio = options_.gc_dead_ratio;
      go.max_bytes_per_pass = options_.gc_max_bytes_per_pass;
      go.reader_grace = options_.gc_reader_grace;
      gc_ = std::make_unique<GarbageCollector>(std::move(go), Parts());
      gc_->Start();
    }
    spdlog::info("zerofs: writer epoch {} opened {} (next segment {})", epoch_, store->Describe(),
                 last + 1);
  }
  return OkStatus();
}

Result<std::optional<std::string>> EngineImpl::Get(std::string_view key) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), MetaKey(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  ZFS_RETURN_IF_ERROR(FromRocks(s, "index get"));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::pair<std::string, std::string>>> EngineImpl::Scan(std::string_view prefix,
                                                                          std::string_view after,
                                                                          size_t limit) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  std::vector<std::pair<std::string, std::string>> out;
  const std::string full_prefix = MetaKey(prefix);
  const std::string after_key = MetaKey(after);
  const std::string start = std::max(full_prefix, after_key);
  // Bound the iterator to the prefix: without a bound, a Seek that finds
  // nothing live under the prefix walks every deletion marker after it
  // (an empty-directory check after many unlinks elsewhere took ~1 ms).
  std::string upper = full_prefix;
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (!upper.empty())
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(start); it->Valid() && out.size() < limit; it->Next()) {
    rocksdb::Slice k = it->key();
    if (!k.starts_with(full_prefix)) break;
    if (!after.empty() && k.compare(rocksdb::Slice(after_key)) <= 0) continue;
    out.emplace_back(std::string(k.data() + 1, k.size() - 1), it->value().ToString());
  }
  ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "index scan"));
  return out;
}

namespace {

// Encodes ops[i] (extent writes) into encoded[i]; all-zero extents become
// one-extent deletions (holes). A large transaction (an NFS/9P/NBD write of
// 1 MiB is 32 extents, ~5 ms of zstd on one core) is split with a second
// thread, so one writer can use two cores: the writes of one file are
// serialised above the engine, and compression is most of their time.
void EncodeExtents(crypto::Codec codec, int level, std::vector<Transaction::Op>* ops,
                   std::vector<std::string>* encoded) {
  constexpr size_t kSplitAt = 8;  // extents; below this a thread costs more than it saves
  auto encode_every = [&](size_t first, size_t stride) {
    for (size_t i = first; i < ops->size(); i += stride) {
      Transaction::Op& op = (*ops)[i];
      if (op.kind != Transaction::Op::kWriteExtent) continue;
      if (StoredAsHole(op.value)) {
        op.kind = Transaction::Op::kDeleteExtents;
        op.end = op.first + 1;
        continue;
      }
      crypto::Encode(codec, level, op.value, &(*encoded)[i]);
    }
  };
  size_t writes = 0;
  for (const Transaction::Op& op : *ops) writes += op.kind == Transaction::Op::kWriteExtent;
  if (writes >= kSplitAt && std::thread::hardware_concurrency() > 1) {
    std::thread other;
    try {
      other = std::thread(encode_every, 1, 2);
    } catch (const std::system_error&) {
      encode_every(0, 1);  // no thread to be had: all on this one
      return;
    }
    encode_every(0, 2);
    other.join();
    return;
  }
  encode_every(0, 1);
}

}  // namespace

Status EngineImpl::Commit(Transaction txn) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  if (options_.read_only) return Error::Posix(EROFS, "engine opened read-only");
  if (txn.empty()) return OkStatus();

  // (a) Compress outside any lock; all-zero extents become holes.
  std::vector<Transaction::Op>& ops = txn.mutable_ops();
  for (const Transaction::Op& op : ops) {
    if (op.kind == Transaction::Op::kWriteExtent && op.value.size() > kExtentSize) {
      return Error(Code::kInvalidArgument, "extent of " + std::to_string(op.value.size()) +
                                               " bytes exceeds " + std::to_string(kExtentSize));
    }
  }
  std::vector<std::string> encoded(ops.size());
  EncodeExtents(options_.codec, options_.codec_level, &ops, &encoded);

  // (b) Reserve the frames' places in the open segment under the engine
  // mutex, seal them without it (encryption then runs on every core that
  // commits), and retake the mutex to release them and apply the rest.
  size_t sealed_bytes = 0;
  uint32_t frame_count = 0;
  for (size_t i = 0; i < ops.size(); i++) {
    if (ops[i].kind != Transaction::Op::kWriteExtent) continue;
    sealed_bytes += SegmentBuilder::SealedLength(encoded[i].size());
    frame_count++;
  }
  std::unique_lock<std::mutex> lock(pipeline_->mutex());
  ZFS_ASSIGN_OR_RETURN(SegmentBuilder * seg, pipeline_->ReserveRoomLocked(lock, sealed_bytes));
  std::vector<JournalRecord> records;
  records.reserve(ops.size());
  std::vector<char*> dsts(ops.size(), nullptr);
  for (size_t i = 0; i < ops.size(); i++) {
    Transaction::Op& op = ops[i];
    switch (op.kind) {
      case Transaction::Op::kPut:
        records.push_back(JournalRecord::Put(op.key, op.value));
        break;
      case Transaction::Op::kDelete:
        records.push_back(JournalRecord::Delete(op.key));
        break;
      case Transaction::Op::kWriteExtent:
        records.push_back(seg->ReserveFrame(encoded[i].size(), op.ino, op.first,
                                            static_cast<uint32_t>(op.value.size()), &dsts[i]));
        break;
      case Transaction::Op::kDeleteExtents:
        records.push_back(JournalRecord::ExtentDelete(op.ino, op.first, op.end));
        break;
    }
  }
  if (frame_count > 0) {
    // The open segment cannot be sealed or its buffer moved while these
    // frames are pending, so `seg` and `dsts` stay valid unlocked.
    const uint64_t seg_id = seg->id();
    lock.unlock();
    for (size_t i = 0; i < ops.size(); i++) {
      Transaction::Op& op = ops[i];
      if (op.kind != Transaction::Op::kWriteExtent) continue;
      const JournalRecord& r = records[i];
      SegmentBuilder::SealFrame(keys_.data, seg_id, r, op.ino, op.first, encoded[i], dsts[i]);
      cache_.Insert(FrameCacheKey(seg_id, r.offset),
                    std::make_shared<const std::string>(std::move(op.value)));
    }
    lock.lock();
    pipeline_->ReleaseFramesLocked(frame_count);
    // Fenced or failed meanwhile: the frames stay unreferenced (dead bytes).
    ZFS_RETURN_IF_ERROR(pipeline_->CheckWritableLocked());
  }
  // (c) One batch for the whole transaction. On failure the frames appended
  // above stay unreferenced (dead bytes), and nothing is journaled.
  Applier applier(db_.get());
  for (const JournalRecord& r : records) ZFS_RETURN_IF_ERROR(applier.Apply(seg->id(), r));
  ZFS_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, applier.Finish());
  Status written = FromRocks(db_->Write(NoWal(), batch), "index write");
  if (!written.ok()) {
    pipeline_->FailLocked(written.error());
    return written;
  }
  // (d) The journal: the durable form of the batch.
  for (const JournalRecord& r : records) seg->AddRecord(r);
  committed_txns_++;
  // (e) Seal when full; backpressure while uploads lag.
  pipeline_->AfterCommitLocked(lock);
  return OkStatus();
}

Status EngineImpl::Flush() {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  if (options_.read_only) return OkStatus();
  const auto start = std::chrono::steady_clock::now();
  Status s = pipeline_->Flush();
  flush_latency_->ObserveSince(start);
  return s;
}

Status EngineImpl::Snapshot() {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  if (options_.read_only) return Error::Posix(EROFS, "engine opened read-only");
  std::lock_guard<std::mutex> snap(snapshot_mutex_);
  return SnapshotLocked();
}

Status EngineImpl::Close() {
  Status result;
  {
    std::shared_lock<std::shared_mutex> shared(lifetime_mutex_);
    if (closed_) return OkStatus();
  }
  if (gc_) gc_->Stop();  // a pass in progress ends between batches
  if (!options_.read_only && pipeline_) {
    // Flush and snapshot through the public paths (they take the lock shared).
    result = Flush();
    if (result.ok()) {
      result = Snapshot();
    }
    clean_close_ = result.ok() && !pipeline_->fenced();
  }
  Shutdown(/*abandon=*/!result.ok());
  return result;
}

void EngineImpl::Shutdown(bool abandon) {
  if (prefetcher_) prefetcher_->Stop();  // its reads hold lifetime_mutex_ shared
  if (gc_) gc_->Stop();
  {
    std::lock_guard<std::mutex> lock(bg_mutex_);
    bg_stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
  if (pipeline_) pipeline_->Stop(abandon);
  std::unique_lock<std::shared_mutex> life(lifetime_mutex_);
  if (closed_) return;
  closed_ = true;
  if (db_) {
    std::optional<CleanClose> clean;
    if (clean_close_ && !abandon) clean = CleanRecord();
    const bool closed = db_->Close().ok();
    db_.reset();
    if (clean && closed) {
      Status left = WriteCleanClose(options_.local_dir, *clean);
      if (!left.ok())
        spdlog::warn("zerofs: {} (the next start restores the snapshot)", left.error().ToString());
    }
  }
  disk_cache_.reset();  // finishes its queued writes, releases its lock
  if (options_.read_only && !db_dir_.empty()) {
    // A reader never cleans other directories (a writer may share
    // local_dir), so it removes its own index when done.
    std::error_code ec;
    fs::remove_all(db_dir_, ec);
  }
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);  // releases the flock
    lock_fd_ = -1;
  }
}

EngineStats EngineImpl::Stats() {
  EngineStats st;
  st.committed_txns = committed_txns_;
  st.snapshots = snapshots_;
  st.epoch = epoch_;
  st.cache_hits = cache_.hits();
  st.cache_misses = cache_.misses();
  if (pipeline_) {
    PipelineStats ps = pipeline_->stats();
    st.flushes = ps.flushes;
    st.segments_uploaded = ps.segments_uploaded;
    st.bytes_uploaded = ps.bytes_uploaded;
    st.fenced = pipeline_->fenced();
  }
  if (gc_) {
    GcStats gs = gc_->stats();
    st.gc_passes = gs.passes;
    st.gc_bytes_rewritten = gs.bytes_rewritten;
    st.gc_segments_deleted = gs.segments_deleted;
    st.gc_bytes_deleted = gs.bytes_deleted;
    st.gc_orphans_deleted = gs.orphans_deleted;
  }
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  if (disk_cache_) {
    cache::DiskCacheStats ds = disk_cache_->Stats();
    st.disk_cache_hits = ds.hits;
    st.disk_cache_misses = ds.misses;
    st.disk_cache_bad_entries = ds.bad_entries;
    st.disk_cache_bytes = ds.usage;
  }
  if (prefetcher_) {
    PrefetchStats ps = prefetcher_->stats();
    st.read_ahead_requests = ps.requests;
    st.read_ahead_extents = ps.extents;
  }
  if (!closed_ && db_) {
    auto g = ReadGlobalStats(db_.get());
    if (g.ok()) {
      st.live_logical_bytes = g->live_logical_bytes;
      st.live_stored_bytes = g->live_stored_bytes;
    }
  }
  return st;
}

EngineParts EngineImpl::Parts() {
  EngineParts p;
  p.store = options_.store.get();
  p.keys = &keys_;
  p.db = db_.get();
  p.pipeline = pipeline_.get();
  p.manifest = [this] {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    return manifest_;
  };
  p.snapshot_mutex = &snapshot_mutex_;
  p.sst_objects = &sst_objects_;
  return p;
}

Status EngineImpl::SnapshotLocked() {
  // Flush the memtable first without the engine mutex, so the checkpoint's
  // own flush (under the mutex, blocking commits) has little to write.
  ZFS_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions()), "index flush"));
  const std::string tmp = options_.local_dir + "/ckpt-" + Hex16(RandomU64());
  ZFS_ASSIGN_OR_RETURN(uint64_t horizon, pipeline_->SealAndRun([&]() -> Status {
    rocksdb::Checkpoint* raw = nullptr;
    ZFS_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    return FromRocks(cp->CreateCheckpoint(tmp, /*log_size_for_flush=*/0), "checkpoint " + tmp);
  }));
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{tmp};
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    if (manifest_.manifest.snapshot_id != 0 && manifest_.manifest.horizon == horizon) {
      return OkStatus();  // nothing new since the last snapshot
    }
  }
  ZFS_RETURN_IF_ERROR(pipeline_->WaitDurable(horizon));
  ZFS_ASSIGN_OR_RETURN(SnapshotDescriptor desc,
                       UploadCheckpoint(options_.store.get(), keys_.meta, tmp, incarnation_,
                                        horizon, &sst_objects_));
  desc.created_ms = NowUnixMs();
  VersionedManifest current;
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    current = manifest_;
  }
  Status s = PublishSnapshot(options_.store.get(), keys_.meta, epoch_, desc, &current);
  if (!s.ok()) {
    if (s.error().code() == Code::kFenced) pipeline_->Fence(current.manifest.epoch);
    return s;
  }
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    manifest_ = current;
  }
  snapshots_++;
  return OkStatus();
}

void EngineImpl::CheckFence() {
  std::string etag;
  {
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    etag = manifest_.etag;
  }
  auto head = options_.store->Head(kManifestKey);
  if (!head.ok() || head->etag == etag) return;
  auto m = LoadManifest(options_.store.get(), keys_.meta);
  if (m.ok() && m->manifest.epoch > epoch_) pipeline_->Fence(m->manifest.epoch);
}

void EngineImpl::BackgroundLoop() {
  using Clock = std::chrono::steady_clock;
  const auto flush_every = options_.flush_interval;
  const auto snapshot_every = options_.snapshot_interval;
  auto next_flush = Clock::now() + flush_every;
  auto next_snapshot = Clock::now() + snapshot_every;
  std::unique_lock<std::mutex> lock(bg_mutex_);
  while (!bg_stop_) {
    auto wake = Clock::now() + std::chrono::seconds(1);
    if (flush_every.count() > 0) wake = std::min(wake, next_flush);
    if (snapshot_every.count() > 0) wake = std::min(wake, next_snapshot);
    bg_cv_.wait_until(lock, wake, [this] { return bg_stop_; });
    if (bg_stop_) break;
    const auto now = Clock::now();
    lock.unlock();
    if (flush_every.count() > 0 && now >= next_flush) {
      pipeline_->RequestFlush();
      CheckFence();
      next_flush = now + flush_every;
    }
    if (snapshot_every.count() > 0 && now >= next_snapshot && !pipeline_->fenced()) {
      std::lock_guard<std::mutex> snap(snapshot_mutex_);
      Status s = SnapshotLocked();
      if (!s.ok()) spdlog::warn("zerofs: periodic snapshot failed: {}", s.error().ToString());
      next_snapshot = Clock::now() + snapshot_every;
    }
    lock.lock();
  }
}

}  // namespace zerofs::engine
