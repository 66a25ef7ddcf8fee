// Create, Mkdir, Mknod, Symlink and Link: operations that add a name.
#include <cerrno>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {

struct NodeSpec {
  NodeSpec(FileType t, uint32_t m) : type(t), mode(m) {}
  FileType type;
  uint32_t mode;
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  std::string_view target;
  bool exclusive = true;  // false: an existing regular file is returned
};

struct MadeNode {
  Attr attr;
  bool created = true;
};

// The shared body of the create family (contract in filesystem.h).
Result<MadeNode> MakeNode(FileSystem::Impl* fs, const Cred& cred, InodeId dir,
                          std::string_view name, const NodeSpec& spec) {
  ZFS_RETURN_IF_ERROR(ValidateName(name, fs->options.name_max));
  InodeLocks lock(&fs->locks, {dir});
  ZFS_ASSIGN_OR_RETURN(InodeRecord parent, fs->Load(dir));
  if (!parent.is_dir()) return Error::Posix(ENOTDIR);
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, parent, kAccessExec));
  if (IsDotOrDotDot(name)) return Error::Posix(EEXIST);
  if (parent.nlink == 0) return Error::Posix(ENOENT);  // removed while open
  ZFS_ASSIGN_OR_RETURN(auto existing, FindEntry(fs->engine, dir, name));
  if (existing) {
    if (spec.exclusive) return Error::Posix(EEXIST);
    if (existing->type == FileType::kDirectory) return Error::Posix(EISDIR);
    if (existing->type != FileType::kRegular) return Error::Posix(EEXIST);
    ZFS_ASSIGN_OR_RETURN(InodeRecord rec, fs->Load(existing->ino));
    return MadeNode{fs->AttrOf(existing->ino, rec), false};
  }
  ZFS_RETURN_IF_ERROR(fs->CheckWritable());
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, parent, kAccessWrite | kAccessExec));
  // Devices need CAP_MKNOD, checked by Linux after the name (vfs_mknod).
  bool device = spec.type == FileType::kCharDevice || spec.type == FileType::kBlockDevice;
  if (device && !cred.is_root()) return Error::Posix(EPERM);
  if (spec.type == FileType::kDirectory && parent.nlink >= fs->options.link_max) {
    return Error::Posix(EMLINK);
  }
  ZFS_RETURN_IF_ERROR(fs->CheckSpace(1, 0));
  ZFS_ASSIGN_OR_RETURN(InodeId ino, fs->alloc.Next(fs->engine));

  Timespec now = Timespec::Now();
  NewOwnership own = InheritOwnership(cred, parent, spec.type, spec.mode);
  InodeRecord rec;
  rec.type = spec.type;
  rec.mode = own.mode;
  rec.uid = own.uid;
  rec.gid = own.gid;
  rec.nlink = spec.type == FileType::kDirectory ? 2 : 1;
  rec.atime = rec.mtime = rec.ctime = rec.btime = now;
  rec.generation = fs->alloc.NewGeneration();
  if (spec.type == FileType::kDirectory) {
    rec.parent = dir;
    rec.next_cookie = kFirstEntryCookie;
    parent.nlink++;
  }
  if (spec.type == FileType::kCharDevice || spec.type == FileType::kBlockDevice) {
    rec.rdev_major = spec.rdev_major;
    rec.rdev_minor = spec.rdev_minor;
  }
  rec.target.assign(spec.target);

  engine::Transaction txn;
  FileSystem::Impl::Store(&txn, ino, rec);
  AddEntry(&txn, dir, &parent, name, ino, spec.type);
  parent.Touch(now);
  FileSystem::Impl::Store(&txn, dir, parent);
  ZFS_RETURN_IF_ERROR(fs->Commit(std::move(txn), {{ino, 1, 0}}));
  return MadeNode{rec.ToAttr(ino), true};
}

}  // namespace

Result<CreateResult> FileSystem::Create(const Cred& cred, InodeId dir, std::string_view name,
                                        uint32_t mode, bool exclusive) {
  NodeSpec spec(FileType::kRegular, mode);
  spec.exclusive = exclusive;
  ZFS_ASSIGN_OR_RETURN(MadeNode made, MakeNode(impl_.get(), cred, dir, name, spec));
  return CreateResult{made.attr, made.created};
}

Result<Attr> FileSystem::Mkdir(const Cred& cred, InodeId dir, std::string_view name,
                               uint32_t mode) {
  // Linux keeps only the permission and sticky bits of a mkdir mode;
  // S_ISGID comes from the parent (InheritOwnership).
  ZFS_ASSIGN_OR_RETURN(MadeNode made, MakeNode(impl_.get(), cred, dir, name,
                                               NodeSpec(FileType::kDirectory, mode & 01777)));
  return made.attr;
}

Result<Attr> FileSystem::Mknod(const Cred& cred, InodeId dir, std::string_view name, FileType type,
                               uint32_t mode, uint32_t rdev_major, uint32_t rdev_minor) {
  bool device = type == FileType::kCharDevice || type == FileType::kBlockDevice;
  if (type == FileType::kDirectory) return Error::Posix(EPERM);  // Linux may_mknod
  if (!device && type != FileType::kFifo && type != FileType::kSocket) {
    return Error::Posix(EINVAL);
  }
  NodeSpec spec(type, mode);
  spec.rdev_major = rdev_major;
  spec.rdev_minor = rdev_minor;
  ZFS_ASSIGN_OR_RETURN(MadeNode made, MakeNode(impl_.get(), cred, dir, name, spec));
  return made.attr;
}

Result<Attr> FileSystem::Symlink(const Cred& cred, InodeId dir, std::string_view name,
                                 std::string_view target) {
  if (target.empty()) return Error::Posix(ENOENT);
  if (target.size() > kMaxSymlinkTarget) return Error::Posix(ENAMETOOLONG);
  if (target.find('\0') != std::string_view::npos) return Error::Posix(EINVAL);
  NodeSpec spec(FileType::kSymlink, 0777);
  spec.target = target;
  ZFS_ASSIGN_OR_RETURN(MadeNode made, MakeNode(impl_.get(), cred, dir, name, spec));
  return made.attr;
}

Result<Attr> FileSystem::Link(const Cred& cred, InodeId ino, InodeId dir, std::string_view name) {
  ZFS_RETURN_IF_ERROR(ValidateName(name, options_.name_max));
  InodeLocks lock(&impl_->locks, {dir, ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_ASSIGN_OR_RETURN(InodeRecord parent, impl_->Load(dir));
  if (!parent.is_dir()) return Error::Posix(ENOTDIR);
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, parent, kAccessExec));
  if (IsDotOrDotDot(name)) return Error::Posix(EEXIST);
  if (parent.nlink == 0) return Error::Posix(ENOENT);  // removed while open
  ZFS_ASSIGN_OR_RETURN(auto existing, FindEntry(engine_, dir, name));
  if (existing) return Error::Posix(EEXIST);
  if (rec.is_dir()) return Error::Posix(EPERM);
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, parent, kAccessWrite | kAccessExec));
  // An inode whose last name is gone (an open orphan) cannot get a new one.
  if (rec.nlink == 0) return Error::Posix(ENOENT);
  if (rec.nlink >= options_.link_max) return Error::Posix(EMLINK);

  Timespec now = Timespec::Now();
  rec.nlink++;
  rec.ctime = now;
  engine::Transaction txn;
  AddEntry(&txn, dir, &parent, name, ino, rec.type);
  parent.Touch(now);
  Impl::Store(&txn, dir, parent);
  Impl::Store(&txn, ino, rec);
  impl_->AddBufferedExtents(&txn, ino);  // see AddBufferedExtents
  ZFS_RETURN_IF_ERROR(impl_->Commit(std::move(txn)));
  return impl_->AttrOf(ino, rec);
}

}  // namespace zerofs::fs
