// Private state and helpers shared by the files that implement FileSystem
// (one file per family of operations). Not part of the public API.
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"
#include "fs/directory.h"
#include "fs/filesystem.h"
#include "fs/inode.h"
#include "fs/inode_cache.h"
#include "fs/keys.h"
#include "fs/lock_table.h"
#include "fs/open_table.h"
#include "fs/permissions.h"
#include "fs/reaper.h"
#include "fs/stats_counters.h"
#include "fs/write_back.h"
#include "fs/write_buffer.h"

namespace zerofs::fs {

constexpr uint8_t kFormatVersion = 1;
// Inode numbers are reserved in batches: the "N" record holds the first
// number not yet handed out, so a crash wastes at most one batch and never
// reuses a number.
constexpr uint64_t kInodeBatch = 1024;

// Hands out inode numbers and generations. Thread-safe.
class InodeAllocator {
 public:
  Status Load(engine::Engine* engine);
  Result<InodeId> Next(engine::Engine* engine);
  uint64_t NewGeneration();

 private:
  std::mutex mu_;
  InodeId next_ = 0;   // guarded by mu_
  InodeId limit_ = 0;  // guarded by mu_; the persisted high-water mark
  std::mt19937_64 rng_{std::random_device{}()};
};

struct FileSystem::Impl {
  Impl(engine::Engine* e, const FsOptions& o)
      : engine(e), options(o), buffer(o.read_only ? 0 : o.write_buffer_bytes) {}

  engine::Engine* const engine;
  const FsOptions& options;
  LockTable locks;
  StatsCounters stats;
  InodeAllocator alloc;
  OpenTable opens;
  InodeCache inodes;
  WriteBuffer buffer;
  // Serializes renames that move a directory to another parent, so the
  // "not into its own subtree" check sees parent pointers that cannot change.
  std::mutex rename_mu;

  // The inode record; ESTALE if it does not exist, kCorruption if damaged.
  Result<InodeRecord> Load(InodeId ino);
  // Removes `ino`'s security.capability xattr in `txn` if it has one: a
  // write, truncate or chown of a file drops its file capabilities (Linux
  // file_remove_privs / cap_inode_killpriv), whoever the caller, so that
  // changed contents or a new owner never keep privileges granted to the
  // old ones. xattr.cc.
  Status KillCapabilities(engine::Transaction* txn, InodeId ino);
  // rec.ToAttr(ino), with a regular file's `used` from the bytes the engine
  // has stored for it (so holes are not charged), in 4 KiB units.
  Attr AttrOf(InodeId ino, const InodeRecord& rec);
  static void Store(engine::Transaction* txn, InodeId ino, const InodeRecord& rec);

  Status CheckWritable() const {
    if (options.read_only) return Error::Posix(EROFS);
    return OkStatus();
  }
  // ENOSPC if `more_inodes` / `more_bytes` would pass the configured limits.
  Status CheckSpace(uint64_t more_inodes, uint64_t more_bytes) const;

  // Every commit of the file system goes through here (the inode cache
  // relies on it: see inode_cache.h).
  Status Commit(engine::Transaction txn, const std::vector<StatsDelta>& deltas = {});

  // Removes one link of inode `ino` (record `rec`, already locked) in `txn`:
  // nlink drops (directories go to 0), ctime = now. At zero links the inode
  // is freed in `txn`, or, while open, kept as an orphan until Release.
  void DropLink(engine::Transaction* txn, std::vector<StatsDelta>* deltas, InodeId ino,
                InodeRecord* rec, const Timespec& now);
  // Deletes inode `ino`, its xattrs, extents and orphan mark in `txn`.
  Status FreeInode(engine::Transaction* txn, std::vector<StatsDelta>* deltas, InodeId ino,
                   const InodeRecord& rec);
  // relatime: whether reading `rec` at `now` should update its atime.
  bool NeedsAtime(const InodeRecord& rec, const Timespec& now) const;
  // Best effort atime update of `ino` if NeedsAtime (takes its lock; a
  // failure does not fail the read that caused it).
  // REQUIRES: the caller holds no lock on `ino`.
  void TouchAtime(InodeId ino);

  // Frees every orphan recorded in the store that is not open (large ones
  // through the reaper); orphans whose mark names holders are kept for them
  // for options.reconnect_grace first.
  Status SweepOrphans();
  // The orphan mark of `ino` naming its current holders, in `txn`.
  void PutOrphanMark(engine::Transaction* txn, InodeId ino);
  // Keeps orphan `ino` for each of `holders` for options.reconnect_grace and
  // has the reaper look at it again then (once for all of them).
  void KeepForHolders(InodeId ino, const std::vector<std::string>& holders);
  // Whether freeing `rec` is left to the reaper rather than done inline.
  bool Deferred(const InodeRecord& rec) const {
    return reaper != nullptr && rec.type == FileType::kRegular &&
           rec.size > Reaper::kInlineMaxBytes;
  }

  // Write-back of the WriteBuffer (write_back.cc). The Locked forms
  // REQUIRE the inode's exclusive lock; the others take it.
  //
  // AddBufferedExtents adds up to `max` buffered extents of `ino` to `txn`
  // (lock held); committing it discards them. Rename and link carry the
  // file's buffered data in their own transaction, so a crash never shows a
  // new name for a file without the data written before the rename (the
  // write-temp-then-rename pattern). With `from`, only extents at *from or
  // above, and *from moves past the last one added (WriteBuffer::Peek).
  size_t AddBufferedExtents(
      engine::Transaction* txn, InodeId ino, size_t max = SIZE_MAX,
      WriteBuffer::Clock::time_point before = WriteBuffer::Clock::time_point::max(),
      uint64_t* from = nullptr);
  // WriteBackLocked writes back up to `max_extents` entries first buffered
  // before `before` (at *from or above, moving *from on, if given).
  Status WriteBackLocked(
      InodeId ino, size_t max_extents = SIZE_MAX,
      WriteBuffer::Clock::time_point before = WriteBuffer::Clock::time_point::max(),
      uint64_t* from = nullptr);
  Status WriteBackFile(InodeId ino);
  Status WriteBackAll();
  // After a write that buffered extents of `ino` (lock held): keeps the
  // buffer within its limit.
  void AfterBufferedWrite(InodeId ino);

  // Last members: stopped (by their destructors) before the state they use
  // goes. Null when read-only (write_back also when buffering is off).
  std::unique_ptr<WriteBack> write_back;
  std::unique_ptr<Reaper> reaper;
};

}  // namespace zerofs::fs
