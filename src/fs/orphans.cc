// Open references, freeing inodes, and orphans: inodes whose last name was
// removed while they were open. An orphan keeps its record and data, marked
// by key "O" BE64 ino, until the last Release frees it; after a crash the
// marks left behind are swept by FileSystem::Open.
//
// A client session that had an orphan open (a holder, open_table.h) may
// lose its connection, or the server may restart under it; the orphan is
// then kept for the session for FsOptions::reconnect_grace, so that the
// client can claim it again (Reclaim) and its open file keeps working.
#include <cerrno>

#include "fs/file_data.h"
#include "fs/internal.h"
#include "fs/orphan_mark.h"

namespace zerofs::fs {

void FileSystem::Impl::DropLink(engine::Transaction* txn, std::vector<StatsDelta>* deltas,
                                InodeId ino, InodeRecord* rec, const Timespec& now) {
  rec->nlink = rec->is_dir() || rec->nlink == 0 ? 0 : rec->nlink - 1;
  rec->ctime = now;
  if (rec->nlink > 0) {
    Store(txn, ino, *rec);
    return;
  }
  if (opens.IsOpen(ino) || Deferred(*rec)) {
    Store(txn, ino, *rec);
    PutOrphanMark(txn, ino);
    // The reaper waits for our lock, so it sees this transaction committed
    // (or, if the commit fails, a linked inode whose stale mark it clears).
    if (!opens.IsOpen(ino)) reaper->Enqueue(ino);
    return;
  }
  // FreeInode only fails on engine read errors while listing xattrs; then
  // keep the inode as an orphan for the next sweep rather than fail the
  // unlink half-way.
  engine::Transaction attempt;
  std::vector<StatsDelta> extra;
  if (FreeInode(&attempt, &extra, ino, *rec).ok()) {
    for (auto& op : attempt.mutable_ops()) txn->mutable_ops().push_back(std::move(op));
    deltas->insert(deltas->end(), extra.begin(), extra.end());
  } else {
    Store(txn, ino, *rec);
    PutOrphanMark(txn, ino);
  }
}

void FileSystem::Impl::PutOrphanMark(engine::Transaction* txn, InodeId ino) {
  txn->Put(keys::Orphan(ino), EncodeOrphanMark(opens.Holders(ino)));
}

void FileSystem::Impl::KeepForHolders(InodeId ino, const std::vector<std::string>& holders) {
  const auto until = OpenTable::Clock::now() + options.reconnect_grace;
  for (const std::string& h : holders) opens.Keep(ino, h, until);
  reaper->EnqueueAt(ino, until);
}

Status FileSystem::Impl::FreeInode(engine::Transaction* txn, std::vector<StatsDelta>* deltas,
                                   InodeId ino, const InodeRecord& rec) {
  std::string after;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto rows, engine->Scan(keys::XattrPrefix(ino), after, 1024));
    for (auto& row : rows) txn->Delete(row.first);
    if (rows.size() < 1024) break;
    after = rows.back().first;
  }
  if (rec.type == FileType::kRegular && rec.size > 0) {
    // Bounded by Reaper::kInlineMaxBytes except for read-only sweeps and the
    // reaper's own last chunk.
    txn->DeleteExtents(ino, 0, ExtentCount(rec.size));
  }
  txn->Delete(keys::Inode(ino));
  txn->Delete(keys::Orphan(ino));
  int64_t bytes = rec.type == FileType::kRegular ? static_cast<int64_t>(rec.size) : 0;
  deltas->push_back({ino, -1, -bytes});
  return OkStatus();
}

Status FileSystem::Impl::SweepOrphans() {
  std::string after;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto rows, engine->Scan(keys::OrphanPrefix(), after, 256));
    for (auto& row : rows) {
      InodeId ino;
      if (!keys::ParseOrphan(row.first, &ino)) {
        return Error(Code::kCorruption, "orphan key");
      }
      std::vector<std::string> holders;
      if (!DecodeOrphanMark(row.second, &holders)) {
        return Error(Code::kCorruption,
                     "orphan mark of inode " + std::to_string(ino) + ": unknown version or length");
      }
      if (opens.IsOpen(ino)) continue;
      InodeLocks lock(&locks, {ino});
      engine::Transaction txn;
      std::vector<StatsDelta> deltas;
      auto rec = Load(ino);
      if (rec.ok() && rec->nlink == 0 && !holders.empty() && options.reconnect_grace.count() > 0) {
        // Its sessions may come back for it (Reclaim); the reaper frees it
        // after the grace unless one opens it again.
        KeepForHolders(ino, holders);
        continue;
      }
      if (rec.ok() && rec->nlink == 0 && Deferred(*rec)) {
        reaper->Enqueue(ino);
        continue;
      }
      if (rec.ok() && rec->nlink == 0) {
        ZFS_RETURN_IF_ERROR(FreeInode(&txn, &deltas, ino, *rec));
      } else if (rec.ok() || rec.error().sys_errno() == ESTALE) {
        txn.Delete(row.first);  // a stale mark: the inode is linked or gone
      } else {
        return rec.error();
      }
      ZFS_RETURN_IF_ERROR(Commit(std::move(txn), deltas));
    }
    if (rows.size() < 256) return OkStatus();
    after = rows.back().first;
  }
}

Status FileSystem::Open(const Cred& cred, InodeId ino, uint32_t access, std::string_view holder) {
  if (!holder.empty() && holder.size() != kHolderKeySize) {
    return Error::Posix(EINVAL, "holder key of " + std::to_string(holder.size()) + " bytes");
  }
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  if (rec.nlink == 0 && !impl_->opens.IsOpen(ino)) return Error::Posix(ESTALE);
  if ((access & kAccessWrite) && rec.is_dir()) return Error::Posix(EISDIR);
  if ((access & kAccessWrite) && rec.type == FileType::kRegular) {
    ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  }
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, access & (kAccessRead | kAccessWrite)));
  const bool new_holder = rec.nlink == 0 && !holder.empty() && !impl_->opens.HeldBy(ino, holder);
  impl_->opens.Add(ino, holder);
  if (new_holder && !options_.read_only) {
    // An orphan opened by a session that did not hold it (through a fid
    // kept across the unlink): record it, so a restart keeps it for it too.
    engine::Transaction txn;
    impl_->PutOrphanMark(&txn, ino);
    Status s = impl_->Commit(std::move(txn));
    if (!s.ok()) {
      impl_->opens.Drop(ino, holder);
      return s;
    }
  }
  return OkStatus();
}

Status FileSystem::Release(InodeId ino, std::string_view holder, bool keep_for_holder) {
  InodeLocks lock(&impl_->locks, {ino});
  if (keep_for_holder && !holder.empty() && !options_.read_only &&
      options_.reconnect_grace.count() > 0) {
    auto rec = impl_->Load(ino);
    if (rec.ok() && rec->nlink == 0) impl_->KeepForHolders(ino, {std::string(holder)});
  }
  if (impl_->opens.Drop(ino, holder)) return OkStatus();
  if (options_.read_only) return OkStatus();
  auto rec = impl_->Load(ino);
  if (!rec.ok()) {
    return rec.error().sys_errno() == ESTALE ? OkStatus() : Status(rec.error());
  }
  if (rec->nlink > 0) return OkStatus();
  if (impl_->Deferred(*rec)) {
    impl_->reaper->Enqueue(ino);  // its orphan mark was written at unlink
    return OkStatus();
  }
  engine::Transaction txn;
  std::vector<StatsDelta> deltas;
  ZFS_RETURN_IF_ERROR(impl_->FreeInode(&txn, &deltas, ino, *rec));
  return impl_->Commit(std::move(txn), deltas);
}

Result<Attr> FileSystem::Reclaim(InodeId ino, std::string_view holder) {
  InodeLocks lock(&impl_->locks, {ino});
  if (!impl_->opens.HeldBy(ino, holder)) return Error::Posix(ESTALE);
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  if (rec.nlink != 0) return Error::Posix(ESTALE);
  return impl_->AttrOf(ino, rec);
}

void FileSystem::WaitForBackgroundFrees() {
  if (impl_->reaper) impl_->reaper->Drain();
}

size_t FileSystem::OpenInodeCount() const { return impl_->opens.size(); }

}  // namespace zerofs::fs
