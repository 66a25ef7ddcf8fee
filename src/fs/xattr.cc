// Extended attributes: key "X" BE64 ino name -> version byte + value.
#include <cerrno>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {

enum class Ns { kUser, kTrusted, kSecurity };
constexpr std::string_view kCapabilityXattr = "security.capability";
constexpr uint8_t kXattrRecordVersion = 1;

bool HasPrefix(std::string_view s, std::string_view p) {
  return s.size() > p.size() && s.substr(0, p.size()) == p;
}

Result<Ns> ParseNamespace(std::string_view name) {
  if (name.empty() || name.size() > kMaxXattrName) return Error::Posix(ERANGE);
  if (HasPrefix(name, "user.")) return Ns::kUser;
  if (HasPrefix(name, "trusted.")) return Ns::kTrusted;
  if (HasPrefix(name, "security.")) return Ns::kSecurity;
  return Error::Posix(EOPNOTSUPP);
}

// Linux xattr_permission() and cap_inode_setxattr() without an LSM.
Status CheckXattrAccess(const Cred& cred, const InodeRecord& rec, Ns ns, bool write) {
  switch (ns) {
    case Ns::kTrusted:
      if (!cred.is_root()) return Error::Posix(write ? EPERM : ENODATA);
      return OkStatus();
    case Ns::kSecurity:
      if (write && !cred.is_root()) return Error::Posix(EPERM);
      return OkStatus();
    case Ns::kUser:
      if (rec.type != FileType::kRegular && !rec.is_dir()) {
        return Error::Posix(write ? EPERM : ENODATA);
      }
      if (write && rec.is_dir() && (rec.mode & S_ISVTX) && !cred.is_root() && cred.uid != rec.uid) {
        return Error::Posix(EPERM);
      }
      return CheckAccess(cred, rec, write ? kAccessWrite : kAccessRead);
  }
  return OkStatus();
}

}  // namespace

Status FileSystem::Impl::KillCapabilities(engine::Transaction* txn, InodeId ino) {
  std::string key = keys::Xattr(ino, kCapabilityXattr);
  ZFS_ASSIGN_OR_RETURN(auto value, engine->Get(key));
  if (value) txn->Delete(key);
  return OkStatus();
}

Result<std::string> FileSystem::GetXattr(const Cred& cred, InodeId ino, std::string_view name) {
  ZFS_ASSIGN_OR_RETURN(Ns ns, ParseNamespace(name));
  SharedInodeLock lock(&impl_->locks, ino);
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_RETURN_IF_ERROR(CheckXattrAccess(cred, rec, ns, /*write=*/false));
  ZFS_ASSIGN_OR_RETURN(auto value, engine_->Get(keys::Xattr(ino, name)));
  if (!value) return Error::Posix(ENODATA);
  if (value->empty() || static_cast<uint8_t>((*value)[0]) != kXattrRecordVersion) {
    return Error(Code::kCorruption, "xattr record of inode " + std::to_string(ino));
  }
  return value->substr(1);
}

Status FileSystem::SetXattr(const Cred& cred, InodeId ino, std::string_view name,
                            std::string_view value, uint32_t flags) {
  if ((flags & ~(kXattrCreate | kXattrReplace)) != 0 || flags == (kXattrCreate | kXattrReplace)) {
    return Error::Posix(EINVAL);
  }
  ZFS_ASSIGN_OR_RETURN(Ns ns, ParseNamespace(name));
  if (value.size() > kMaxXattrValue) return Error::Posix(E2BIG);
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  ZFS_RETURN_IF_ERROR(CheckXattrAccess(cred, rec, ns, /*write=*/true));
  ZFS_ASSIGN_OR_RETURN(auto old, engine_->Get(keys::Xattr(ino, name)));
  if ((flags & kXattrCreate) && old) return Error::Posix(EEXIST);
  if ((flags & kXattrReplace) && !old) return Error::Posix(ENODATA);
  std::string record(1, static_cast<char>(kXattrRecordVersion));
  record.append(value);
  rec.ctime = Timespec::Now();
  engine::Transaction txn;
  txn.Put(keys::Xattr(ino, name), record);
  Impl::Store(&txn, ino, rec);
  return impl_->Commit(std::move(txn));
}

Result<std::vector<std::string>> FileSystem::ListXattr(const Cred& cred, InodeId ino) {
  SharedInodeLock lock(&impl_->locks, ino);
  ZFS_RETURN_IF_ERROR(impl_->Load(ino));
  std::vector<std::string> names;
  std::string after;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto rows, engine_->Scan(keys::XattrPrefix(ino), after, 256));
    for (auto& row : rows) {
      InodeId kino;
      std::string_view name;
      if (!keys::ParseXattr(row.first, &kino, &name) || kino != ino) {
        return Error(Code::kCorruption, "xattr key of inode " + std::to_string(ino));
      }
      if (HasPrefix(name, "trusted.") && !cred.is_root()) continue;
      names.emplace_back(name);
    }
    if (rows.size() < 256) return names;
    after = rows.back().first;
  }
}

Status FileSystem::RemoveXattr(const Cred& cred, InodeId ino, std::string_view name) {
  ZFS_ASSIGN_OR_RETURN(Ns ns, ParseNamespace(name));
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  ZFS_RETURN_IF_ERROR(CheckXattrAccess(cred, rec, ns, /*write=*/true));
  ZFS_ASSIGN_OR_RETURN(auto old, engine_->Get(keys::Xattr(ino, name)));
  if (!old) return Error::Posix(ENODATA);
  rec.ctime = Timespec::Now();
  engine::Transaction txn;
  txn.Delete(keys::Xattr(ino, name));
  Impl::Store(&txn, ino, rec);
  return impl_->Commit(std::move(txn));
}

}  // namespace zerofs::fs
