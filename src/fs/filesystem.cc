// FileSystem: opening, inode loading, lookup, attributes and sync. The other
// operations live in one file per family (create.cc, remove.cc, rename.cc,
// set_attr.cc, file_io.cc, readdir.cc, xattr.cc, orphans.cc, statfs.cc).
#include "fs/filesystem.h"

#include <spdlog/spdlog.h>

#include <cerrno>

#include "base/coding.h"
#include "fs/internal.h"

namespace zerofs::fs {

namespace {

Status Bootstrap(engine::Engine* engine, const FsOptions& options) {
  ZFS_ASSIGN_OR_RETURN(auto format, engine->Get(keys::Format()));
  if (format) {
    if (format->size() != 1 || static_cast<uint8_t>((*format)[0]) != kFormatVersion) {
      return Error(Code::kCorruption, "unknown filesystem format version");
    }
    return OkStatus();
  }
  if (options.read_only) return Error(Code::kInvalidArgument, "empty store opened read-only");
  Timespec now = Timespec::Now();
  InodeRecord root;
  root.type = FileType::kDirectory;
  root.mode = options.root_mode & 07777;
  root.nlink = 2;
  root.uid = options.root_uid;
  root.gid = options.root_gid;
  root.atime = root.mtime = root.ctime = root.btime = now;
  root.generation = 1;
  root.parent = kRootInode;
  root.next_cookie = kFirstEntryCookie;
  engine::Transaction txn;
  FileSystem::Impl::Store(&txn, kRootInode, root);
  std::string format_value;
  PutU8(&format_value, kFormatVersion);
  txn.Put(keys::Format(), format_value);
  std::string stats;  // the root counts as one inode, in its shard
  PutU8(&stats, kStatsRecordVersion);
  PutLE64(&stats, 1);
  PutLE64(&stats, 0);
  txn.Put(keys::Stats(kRootInode % StatsCounters::kShards), stats);
  return engine->Commit(std::move(txn));
}

}  // namespace

FileSystem::FileSystem(engine::Engine* engine, FsOptions options)
    : engine_(engine), options_(std::move(options)), impl_(new Impl(engine_, options_)) {}

FileSystem::~FileSystem() {
  if (impl_->write_back) impl_->write_back->Stop();
  // The last write-back: whoever closes the engine next flushes it.
  if (Status s = impl_->WriteBackAll(); !s.ok()) {
    spdlog::error("zerofs: writing back buffered file data at shutdown failed: {}",
                  s.error().ToString());
  }
}

Result<std::unique_ptr<FileSystem>> FileSystem::Open(engine::Engine* engine, FsOptions options) {
  assert(engine != nullptr);
  if (options.name_max == 0 || options.name_max > 255 || options.link_max < 2) {
    return Error(Code::kInvalidArgument, "fs options: name_max 1..255, link_max >= 2");
  }
  ZFS_RETURN_IF_ERROR(Bootstrap(engine, options));
  std::unique_ptr<FileSystem> fs(new FileSystem(engine, std::move(options)));
  ZFS_RETURN_IF_ERROR(fs->impl_->stats.Load(engine));
  ZFS_RETURN_IF_ERROR(fs->impl_->alloc.Load(engine));
  if (!fs->options_.read_only) {
    fs->impl_->reaper = std::make_unique<Reaper>(fs->impl_.get());
    fs->impl_->reaper->Start();
    if (fs->impl_->buffer.enabled()) {
      fs->impl_->write_back =
          std::make_unique<WriteBack>(fs->impl_.get(), fs->options_.write_buffer_age);
      fs->impl_->write_back->Start();
    }
    ZFS_RETURN_IF_ERROR(fs->impl_->SweepOrphans());
  }
  return fs;
}

Result<InodeRecord> FileSystem::Impl::Load(InodeId ino) {
  if (ino == 0) return Error::Posix(ESTALE);
  if (std::optional<InodeRecord> hit = inodes.Find(ino)) return std::move(*hit);
  const uint64_t generation = inodes.Generation(ino);
  ZFS_ASSIGN_OR_RETURN(auto value, engine->Get(keys::Inode(ino)));
  if (!value) return Error::Posix(ESTALE);
  InodeRecord rec;
  if (!InodeRecord::DecodeFrom(*value, &rec)) {
    return Error(Code::kCorruption, "inode record " + std::to_string(ino));
  }
  inodes.Insert(ino, rec, generation);
  return rec;
}

Status FileSystem::Impl::Commit(engine::Transaction txn, const std::vector<StatsDelta>& deltas) {
  using Op = engine::Transaction::Op;
  std::vector<InodeId> touched;
  std::vector<InodeId> freed;
  // Buffered extents this commit replaces, as (ino, [first, end)).
  std::vector<std::pair<InodeId, std::pair<uint64_t, uint64_t>>> replaced;
  const bool buffered = !buffer.empty();
  for (const Op& op : txn.ops()) {
    InodeId ino;
    if ((op.kind == Op::kPut || op.kind == Op::kDelete) && keys::ParseInode(op.key, &ino)) {
      touched.push_back(ino);
      if (buffered && op.kind == Op::kDelete) freed.push_back(ino);
    } else if (buffered && op.kind == Op::kWriteExtent) {
      replaced.push_back({op.ino, {op.first, op.first + 1}});
    } else if (buffered && op.kind == Op::kDeleteExtents) {
      replaced.push_back({op.ino, {op.first, op.end}});
    }
  }
  Status s = stats.Commit(engine, std::move(txn), deltas);
  // Also after a failed commit: the engine may have applied part of it.
  inodes.Invalidate(touched);
  for (const auto& [ino, range] : replaced) buffer.Discard(ino, range.first, range.second);
  for (InodeId ino : freed) buffer.DiscardAll(ino);
  return s;
}

Attr FileSystem::Impl::AttrOf(InodeId ino, const InodeRecord& rec) {
  Attr a = rec.ToAttr(ino);
  if (rec.type != FileType::kRegular) return a;
  // On an index error keep ToAttr's apparent-size estimate: st_blocks is
  // advisory, and failing a stat over it would be worse.
  if (auto stored = engine->StoredBytes(ino); stored.ok()) {
    // Buffered writes count as if written back (a stat cannot wait for it).
    const int64_t delta = buffer.StoredDelta(ino);
    const uint64_t bytes = delta < 0 && static_cast<uint64_t>(-delta) > *stored
                               ? 0
                               : *stored + static_cast<uint64_t>(delta);
    a.used = (bytes + 4095) / 4096 * 4096;  // bytes <= kMaxFileSize: no overflow
  }
  return a;
}

void FileSystem::Impl::Store(engine::Transaction* txn, InodeId ino, const InodeRecord& rec) {
  std::string value;
  rec.EncodeTo(&value);
  txn->Put(keys::Inode(ino), value);
}

Status FileSystem::Impl::CheckSpace(uint64_t more_inodes, uint64_t more_bytes) const {
  if (options.max_inodes != 0 && more_inodes != 0 &&
      stats.inodes() + more_inodes > options.max_inodes) {
    return Error::Posix(ENOSPC);
  }
  if (options.max_bytes != 0 && more_bytes != 0 &&
      (more_bytes > options.max_bytes || stats.bytes() > options.max_bytes - more_bytes)) {
    return Error::Posix(ENOSPC);
  }
  return OkStatus();
}

Result<Attr> FileSystem::Lookup(const Cred& cred, InodeId dir, std::string_view name) {
  ZFS_RETURN_IF_ERROR(ValidateName(name, options_.name_max));
  // Without locks: each engine read is consistent, and an entry whose inode
  // vanished between the two reads is retried (it was removed meanwhile).
  for (int attempt = 0;; attempt++) {
    ZFS_ASSIGN_OR_RETURN(InodeRecord d, impl_->Load(dir));
    if (!d.is_dir()) return Error::Posix(ENOTDIR);
    ZFS_RETURN_IF_ERROR(CheckAccess(cred, d, kAccessExec));
    InodeId child;
    if (name == ".") {
      child = dir;
    } else if (name == "..") {
      child = d.parent;
    } else {
      ZFS_ASSIGN_OR_RETURN(auto e, FindEntry(engine_, dir, name));
      if (!e) return Error::Posix(ENOENT);
      child = e->ino;
    }
    auto rec = impl_->Load(child);
    if (rec.ok()) return impl_->AttrOf(child, *rec);
    if (rec.error().sys_errno() != ESTALE || attempt >= 3) return rec.error();
  }
}

Result<Attr> FileSystem::GetAttr(InodeId ino) {
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  return impl_->AttrOf(ino, rec);
}

Result<uint32_t> FileSystem::Access(const Cred& cred, InodeId ino, uint32_t mask) {
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  uint32_t granted = GrantedAccess(cred, rec) & mask;
  if (options_.read_only && rec.type != FileType::kCharDevice &&
      rec.type != FileType::kBlockDevice && rec.type != FileType::kFifo &&
      rec.type != FileType::kSocket) {
    granted &= ~kAccessWrite;
  }
  return granted;
}

Result<std::string> FileSystem::Readlink(InodeId ino) {
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  if (rec.type != FileType::kSymlink) return Error::Posix(EINVAL);
  if (impl_->NeedsAtime(rec, Timespec::Now())) impl_->TouchAtime(ino);
  return rec.target;
}

Result<std::string> ReadlinkForResolution(FileSystem* fs, InodeId ino, int follows) {
  if (follows >= kMaxSymlinkFollows) return Error::Posix(ELOOP);
  return fs->Readlink(ino);
}

Status FileSystem::Fsync(InodeId ino) {
  ZFS_RETURN_IF_ERROR(impl_->Load(ino));
  return Flush();
}

Status FileSystem::Flush() {
  if (options_.read_only) return OkStatus();
  ZFS_RETURN_IF_ERROR(impl_->WriteBackAll());
  return engine_->Flush();
}

}  // namespace zerofs::fs
