#include "fs_ops.h"

#include <cerrno>

#include "feature_names.h"

namespace zerofs::conformance_fs {

namespace {

fs::Cred ToCred(const conformance::Cred& c) { return fs::Cred{c.uid, c.gid, c.groups}; }

int Err(const Error& e) { return -(e.sys_errno() ? e.sys_errno() : EIO); }

template <typename R>
int Ret(const R& r) {
  return r.ok() ? 0 : Err(r.error());
}

void ToStat(const fs::Attr& a, conformance::Stat* st) {
  st->ino = a.ino;
  st->mode = a.full_mode();
  st->nlink = a.nlink;
  st->uid = a.uid;
  st->gid = a.gid;
  st->rdev = a.rdev();
  st->size = static_cast<int64_t>(a.size);
  st->blocks = static_cast<int64_t>(a.used / 512);
  st->atime = {a.atime.sec, a.atime.nsec};
  st->mtime = {a.mtime.sec, a.mtime.nsec};
  st->ctime = {a.ctime.sec, a.ctime.nsec};
}

bool Readable(int flags) { return (flags & O_ACCMODE) != O_WRONLY; }
bool Writable(int flags) { return (flags & O_ACCMODE) != O_RDONLY; }

}  // namespace

conformance::Features FsOps::features() {
  conformance::Features f;
  f.names = {
      conformance::kFeatRoot,         conformance::kFeatXattr,      conformance::kFeatMknodDev,
      conformance::kFeatSpecial,      conformance::kFeatAtime,      conformance::kFeatNsecTimes,
      conformance::kFeatPunchHole,    conformance::kFeatDirNlink,   conformance::kFeatLinkMax,
      conformance::kFeatSparseBlocks, conformance::kFeatRenameFlags};
  f.link_max = fs_->options().link_max;
  f.time_granularity_ns = 2'000'000;
  return f;
}

int FsOps::Resolve(const conformance::Cred& c, const std::string& path, bool follow,
                   Resolved* out) {
  return conformance_fs::Resolve(fs_, ToCred(c), fs::kRootInode, path, follow, out);
}

int FsOps::ResolveExisting(const conformance::Cred& c, const std::string& path, bool follow,
                           Resolved* out) {
  int r = Resolve(c, path, follow, out);
  if (r < 0) return r;
  return out->ino == 0 ? -ENOENT : 0;
}

FsOps::Handle* FsOps::Find(int64_t h) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = handles_.find(h);
  return it == handles_.end() ? nullptr : &it->second;
}

int FsOps::mkdir(const conformance::Cred& c, const std::string& path, uint32_t mode) {
  Resolved r;
  if (int e = Resolve(c, path, false, &r); e < 0) return e;
  if (r.ino != 0) return -EEXIST;
  return Ret(fs_->Mkdir(ToCred(c), r.parent, r.name, mode & 07777));
}

int FsOps::mknod(const conformance::Cred& c, const std::string& path, uint32_t mode,
                 uint64_t rdev) {
  Resolved r;
  if (int e = Resolve(c, path, false, &r); e < 0) return e;
  if (r.ino != 0) return -EEXIST;
  if (r.trailing_slash) return -ENOENT;
  if ((mode & S_IFMT) == 0 || (mode & S_IFMT) == S_IFREG) {
    return Ret(fs_->Create(ToCred(c), r.parent, r.name, mode & 07777, true));
  }
  auto type = fs::FileTypeFromMode(mode);
  if (!type || *type == fs::FileType::kSymlink) return -EINVAL;
  return Ret(
      fs_->Mknod(ToCred(c), r.parent, r.name, *type, mode & 07777, major(rdev), minor(rdev)));
}

int FsOps::symlink(const conformance::Cred& c, const std::string& target, const std::string& path) {
  Resolved r;
  if (int e = Resolve(c, path, false, &r); e < 0) return e;
  if (r.ino != 0) return -EEXIST;
  return Ret(fs_->Symlink(ToCred(c), r.parent, r.name, target));
}

int FsOps::readlink(const conformance::Cred& c, const std::string& path, std::string* target) {
  Resolved r;
  if (int e = ResolveExisting(c, path, false, &r); e < 0) return e;
  auto t = fs_->Readlink(r.ino);
  if (!t.ok()) return Err(t.error());
  *target = *t;
  return static_cast<int>(t->size());
}

int FsOps::link(const conformance::Cred& c, const std::string& from, const std::string& to) {
  Resolved src, dst;
  if (int e = ResolveExisting(c, from, false, &src); e < 0) return e;
  if (int e = Resolve(c, to, false, &dst); e < 0) return e;
  if (dst.ino != 0) return -EEXIST;
  if (dst.trailing_slash) return -ENOENT;
  return Ret(fs_->Link(ToCred(c), src.ino, dst.parent, dst.name));
}

int FsOps::unlink(const conformance::Cred& c, const std::string& path) {
  Resolved r;
  int e = Resolve(c, path, false, &r);
  if (e == -ENOTDIR && r.ino != 0 && r.trailing_slash) return -ENOTDIR;
  if (e < 0) return e;
  if (r.ino == 0) return -ENOENT;
  if (r.attr.type == fs::FileType::kDirectory) return -EISDIR;
  return Ret(fs_->Unlink(ToCred(c), r.parent, r.name));
}

int FsOps::rmdir(const conformance::Cred& c, const std::string& path) {
  Resolved r;
  if (int e = ResolveExisting(c, path, false, &r); e < 0) return e;
  if (r.name == "." || r.name == "..") return Ret(fs_->Rmdir(ToCred(c), r.parent, r.name));
  if (r.ino == fs::kRootInode) return -EBUSY;
  return Ret(fs_->Rmdir(ToCred(c), r.parent, r.name));
}

int FsOps::rename(const conformance::Cred& c, const std::string& from, const std::string& to) {
  return rename2(c, from, to, 0);
}

int FsOps::rename2(const conformance::Cred& c, const std::string& from, const std::string& to,
                   unsigned flags) {
  Resolved src, dst;
  if (int e = ResolveExisting(c, from, false, &src); e < 0) return e;
  int e = Resolve(c, to, false, &dst);
  if (e == -ENOTDIR && dst.ino != 0 && dst.trailing_slash &&
      src.attr.type == fs::FileType::kDirectory) {
    e = 0;  // "dir -> existing-file/" is the rename's own ENOTDIR below
  }
  if (e < 0) return e;
  if (src.trailing_slash && src.attr.type != fs::FileType::kDirectory) return -ENOTDIR;
  if (dst.trailing_slash && dst.ino == 0 && src.attr.type != fs::FileType::kDirectory) {
    return -ENOTDIR;
  }
  return Ret(fs_->Rename(ToCred(c), src.parent, src.name, dst.parent, dst.name, flags));
}

int64_t FsOps::open(const conformance::Cred& c, const std::string& path, int flags, uint32_t mode) {
  fs::Cred cred = ToCred(c);
  Resolved r;
  const bool excl_create = (flags & O_CREAT) && (flags & O_EXCL);
  int e = Resolve(c, path, !(flags & O_NOFOLLOW) && !excl_create, &r);
  if (e < 0) return e;
  bool created = false;
  if (r.ino == 0) {
    if (!(flags & O_CREAT)) return -ENOENT;
    if (r.trailing_slash) return -EISDIR;
    auto made = fs_->Create(cred, r.parent, r.name, mode & 07777, true);
    if (!made.ok()) return Err(made.error());
    r.ino = made->attr.ino;
    r.attr = made->attr;
    created = true;
  } else {
    if (excl_create) return -EEXIST;
    if (r.attr.type == fs::FileType::kSymlink) return -ELOOP;  // O_NOFOLLOW
    if ((flags & O_DIRECTORY) && r.attr.type != fs::FileType::kDirectory) return -ENOTDIR;
    if ((flags & O_CREAT) && r.attr.type == fs::FileType::kDirectory) return -EISDIR;
  }
  if ((flags & O_DIRECTORY) && r.attr.type != fs::FileType::kDirectory) return -ENOTDIR;
  uint32_t access = (Readable(flags) ? fs::kAccessRead : 0) |
                    (Writable(flags) || (flags & O_TRUNC) ? fs::kAccessWrite : 0);
  if (r.attr.type == fs::FileType::kDirectory && Writable(flags)) return -EISDIR;
  const fs::FileType type = r.attr.type;
  bool dev_zero = false;
  if (type == fs::FileType::kSocket) return -ENXIO;
  if (type == fs::FileType::kCharDevice || type == fs::FileType::kBlockDevice) {
    bool known = type == fs::FileType::kCharDevice && r.attr.rdev_major == 1 &&
                 (r.attr.rdev_minor == 3 || r.attr.rdev_minor == 5);
    if (!known) return -ENXIO;
    dev_zero = r.attr.rdev_minor == 5;
  }
  if (type == fs::FileType::kFifo && (flags & O_ACCMODE) == O_WRONLY && (flags & O_NONBLOCK)) {
    std::lock_guard<std::mutex> lock(mu_);
    if (fifo_readers_[r.ino] == 0) return -ENXIO;
  }
  // The creator of a file may use it whatever its mode says (open(2)).
  auto opened = fs_->Open(created ? fs::Cred::Root() : cred, r.ino, access);
  if (!opened.ok()) return Err(opened.error());
  if ((flags & O_TRUNC) && !created && r.attr.type == fs::FileType::kRegular) {
    fs::SetAttrRequest req;
    req.size = 0;
    req.size_via_open_handle = true;
    auto t = fs_->SetAttr(cred, r.ino, req);
    if (!t.ok()) {
      fs_->Release(r.ino).Ignore();
      return Err(t.error());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  int64_t h = next_handle_++;
  handles_[h] = Handle{r.ino, flags, 0, 0, false, type, dev_zero};
  if (type == fs::FileType::kFifo && Readable(flags)) fifo_readers_[r.ino]++;
  return h;
}

int FsOps::close(const conformance::Cred& c, int64_t h) {
  fs::InodeId ino;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = handles_.find(h);
    if (it == handles_.end()) return -EBADF;
    ino = it->second.ino;
    if (it->second.type == fs::FileType::kFifo && Readable(it->second.flags)) {
      fifo_readers_[ino]--;
    }
    handles_.erase(it);
  }
  return Ret(fs_->Release(ino));
}

int64_t FsOps::pread(const conformance::Cred& c, int64_t h, void* buf, size_t len, int64_t off) {
  Handle* hd = Find(h);
  if (!hd || !Readable(hd->flags)) return -EBADF;
  if (off < 0) return -EINVAL;
  if (hd->type == fs::FileType::kFifo) return -ESPIPE;
  if (hd->type == fs::FileType::kCharDevice) {
    if (!hd->dev_zero) return 0;
    std::fill_n(static_cast<char*>(buf), len, '\0');
    return static_cast<int64_t>(len);
  }
  auto r = fs_->Read(ToCred(c), hd->ino, static_cast<uint64_t>(off), len, fs::IoCheck::kOpened);
  if (!r.ok()) return Err(r.error());
  std::copy(r->data.begin(), r->data.end(), static_cast<char*>(buf));
  return static_cast<int64_t>(r->data.size());
}

int64_t FsOps::pwrite(const conformance::Cred& c, int64_t h, const void* buf, size_t len,
                      int64_t off) {
  Handle* hd = Find(h);
  if (!hd || !Writable(hd->flags)) return -EBADF;
  if (off < 0) return -EINVAL;
  if (hd->type == fs::FileType::kFifo) return -ESPIPE;
  if (hd->type == fs::FileType::kCharDevice) return static_cast<int64_t>(len);
  uint64_t at = static_cast<uint64_t>(off);
  if (hd->flags & O_APPEND) {  // Linux: pwrite on an O_APPEND file appends
    auto a = fs_->GetAttr(hd->ino);
    if (!a.ok()) return Err(a.error());
    at = a->size;
  }
  auto w = fs_->Write(ToCred(c), hd->ino, at, std::string_view(static_cast<const char*>(buf), len),
                      fs::IoCheck::kOpened);
  if (!w.ok()) return Err(w.error());
  return static_cast<int64_t>(len);
}

int64_t FsOps::write(const conformance::Cred& c, int64_t h, const void* buf, size_t len) {
  Handle* hd = Find(h);
  if (!hd || !Writable(hd->flags)) return -EBADF;
  if (hd->type == fs::FileType::kCharDevice) return static_cast<int64_t>(len);
  if (hd->type == fs::FileType::kFifo) {
    std::lock_guard<std::mutex> lock(mu_);
    if (fifo_readers_[hd->ino] == 0) return -EPIPE;
    fifo_data_[hd->ino].append(static_cast<const char*>(buf), len);
    return static_cast<int64_t>(len);
  }
  uint64_t at = hd->offset;
  if (hd->flags & O_APPEND) {
    auto a = fs_->GetAttr(hd->ino);
    if (!a.ok()) return Err(a.error());
    at = a->size;
  }
  auto w = fs_->Write(ToCred(c), hd->ino, at, std::string_view(static_cast<const char*>(buf), len),
                      fs::IoCheck::kOpened);
  if (!w.ok()) return Err(w.error());
  hd->offset = at + len;
  return static_cast<int64_t>(len);
}

int FsOps::ftruncate(const conformance::Cred& c, int64_t h, int64_t size) {
  Handle* hd = Find(h);
  if (!hd) return -EBADF;
  if (!Writable(hd->flags) || size < 0) return -EINVAL;
  fs::SetAttrRequest req;
  req.size = static_cast<uint64_t>(size);
  req.size_via_open_handle = true;
  return Ret(fs_->SetAttr(ToCred(c), hd->ino, req));
}

int FsOps::fsync(const conformance::Cred& c, int64_t h, bool datasync) {
  Handle* hd = Find(h);
  if (!hd) return -EBADF;
  return Ret(fs_->Fsync(hd->ino));
}

int FsOps::fallocate(const conformance::Cred& c, int64_t h, int mode, int64_t off, int64_t len) {
  Handle* hd = Find(h);
  if (!hd || !Writable(hd->flags)) return -EBADF;
  if (off < 0 || len <= 0) return -EINVAL;
  return Ret(fs_->Fallocate(ToCred(c), hd->ino, static_cast<uint32_t>(mode),
                            static_cast<uint64_t>(off), static_cast<uint64_t>(len),
                            fs::IoCheck::kOpened));
}

int FsOps::fstat(const conformance::Cred& c, int64_t h, conformance::Stat* st) {
  Handle* hd = Find(h);
  if (!hd) return -EBADF;
  auto a = fs_->GetAttr(hd->ino);
  if (!a.ok()) return Err(a.error());
  ToStat(*a, st);
  return 0;
}

int FsOps::readdir_chunk(const conformance::Cred& c, int64_t h, size_t max,
                         std::vector<conformance::DirEntry>* out) {
  Handle* hd = Find(h);
  if (!hd) return -EBADF;
  int n = 0;
  while (static_cast<size_t>(n) < max && !hd->dir_eof) {
    fs::ReadDirOptions o;
    o.max_entries = max - n;
    auto r = fs_->ReadDir(ToCred(c), hd->ino, hd->cookie, o);
    if (!r.ok()) return Err(r.error());
    for (auto& e : r->entries) {
      hd->cookie = e.cookie;
      if (e.name == "." || e.name == "..") continue;
      out->push_back({e.name, e.ino});
      n++;
    }
    hd->dir_eof = r->eof;
  }
  return n;
}

int FsOps::stat(const conformance::Cred& c, const std::string& path, conformance::Stat* st) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  ToStat(r.attr, st);
  return 0;
}

int FsOps::lstat(const conformance::Cred& c, const std::string& path, conformance::Stat* st) {
  Resolved r;
  if (int e = ResolveExisting(c, path, false, &r); e < 0) return e;
  ToStat(r.attr, st);
  return 0;
}

int FsOps::SetAttr(const conformance::Cred& c, const std::string& path, bool follow,
                   const fs::SetAttrRequest& req) {
  Resolved r;
  if (int e = ResolveExisting(c, path, follow, &r); e < 0) return e;
  return Ret(fs_->SetAttr(ToCred(c), r.ino, req));
}

int FsOps::chmod(const conformance::Cred& c, const std::string& path, uint32_t mode) {
  fs::SetAttrRequest req;
  req.mode = mode & 07777;
  return SetAttr(c, path, true, req);
}

int FsOps::chown(const conformance::Cred& c, const std::string& path, uint32_t uid, uint32_t gid) {
  fs::SetAttrRequest req;
  if (uid != conformance::kKeepId) req.uid = uid;
  if (gid != conformance::kKeepId) req.gid = gid;
  if (!req.uid && !req.gid) {
    Resolved r;
    return ResolveExisting(c, path, true, &r);
  }
  return SetAttr(c, path, true, req);
}

int FsOps::lchown(const conformance::Cred& c, const std::string& path, uint32_t uid, uint32_t gid) {
  fs::SetAttrRequest req;
  if (uid != conformance::kKeepId) req.uid = uid;
  if (gid != conformance::kKeepId) req.gid = gid;
  if (!req.uid && !req.gid) {
    Resolved r;
    return ResolveExisting(c, path, false, &r);
  }
  return SetAttr(c, path, false, req);
}

int FsOps::utimens(const conformance::Cred& c, const std::string& path,
                   const conformance::TimeSpec times[2], bool nofollow) {
  using TimeSet = fs::SetAttrRequest::TimeSet;
  fs::SetAttrRequest req;
  auto one = [](const conformance::TimeSpec& t, TimeSet* set, fs::Timespec* value) {
    if (t.nsec == conformance::kUtimeOmit) return 0;
    if (t.nsec == conformance::kUtimeNow) {
      *set = TimeSet::kNow;
      return 0;
    }
    if (t.nsec < 0 || t.nsec >= 1'000'000'000) return -EINVAL;
    *set = TimeSet::kValue;
    *value = fs::Timespec{t.sec, static_cast<uint32_t>(t.nsec)};
    return 0;
  };
  if (int e = one(times[0], &req.atime_set, &req.atime); e < 0) return e;
  if (int e = one(times[1], &req.mtime_set, &req.mtime); e < 0) return e;
  if (req.atime_set == TimeSet::kUnchanged && req.mtime_set == TimeSet::kUnchanged) {
    Resolved r;
    return ResolveExisting(c, path, !nofollow, &r);
  }
  return SetAttr(c, path, !nofollow, req);
}

int FsOps::truncate(const conformance::Cred& c, const std::string& path, int64_t size) {
  if (size < 0) return -EINVAL;
  fs::SetAttrRequest req;
  req.size = static_cast<uint64_t>(size);
  return SetAttr(c, path, true, req);
}

int FsOps::statvfs(const conformance::Cred& c, const std::string& path, conformance::StatVfs* out) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  auto s = fs_->StatFs();
  if (!s.ok()) return Err(s.error());
  out->bsize = out->frsize = s->block_size;
  out->blocks = s->total_bytes / s->block_size;
  out->bfree = out->bavail = s->free_bytes / s->block_size;
  out->files = s->total_inodes;
  out->ffree = s->free_inodes;
  out->namemax = s->name_max;
  return 0;
}

int FsOps::setxattr(const conformance::Cred& c, const std::string& path, const std::string& name,
                    const std::string& value, int flags) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  return Ret(fs_->SetXattr(ToCred(c), r.ino, name, value, static_cast<uint32_t>(flags)));
}

int FsOps::getxattr(const conformance::Cred& c, const std::string& path, const std::string& name,
                    std::string* value) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  auto v = fs_->GetXattr(ToCred(c), r.ino, name);
  if (!v.ok()) return Err(v.error());
  *value = *v;
  return static_cast<int>(v->size());
}

int FsOps::listxattr(const conformance::Cred& c, const std::string& path,
                     std::vector<std::string>* names) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  auto l = fs_->ListXattr(ToCred(c), r.ino);
  if (!l.ok()) return Err(l.error());
  *names = *l;
  return 0;
}

int FsOps::removexattr(const conformance::Cred& c, const std::string& path,
                       const std::string& name) {
  Resolved r;
  if (int e = ResolveExisting(c, path, true, &r); e < 0) return e;
  return Ret(fs_->RemoveXattr(ToCred(c), r.ino, name));
}

}  // namespace zerofs::conformance_fs
