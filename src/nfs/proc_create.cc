// CREATE, MKDIR, SYMLINK, MKNOD, LINK (RFC 1813 sections 3.3.8-3.3.11,
// 3.3.15).
//
// EXCLUSIVE create: the client's 8-byte verifier is stored in the new file's
// atime and mtime seconds (bytes 0..3 and 4..7, big-endian; nanoseconds 0),
// as Linux servers do. When the name already exists and its times hold the
// same verifier, the create is a retransmission and succeeds with the
// existing file. The client sets the real times with SETATTR afterwards.
// Create and verifier store are two transactions: after a crash between
// them a retransmission answers NFS3ERR_EXIST.
#include "base/coding.h"
#include "nfs/errors.h"
#include "nfs/file_handle.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

constexpr uint32_t kDefaultFileMode = 0644;
constexpr uint32_t kDefaultDirMode = 0755;
constexpr uint32_t kExclusiveMode = 0600;

// Writes a CREATE/MKDIR/SYMLINK/MKNOD result.
void EncodeCreated(const NfsCall& call, Nfsstat3 st, const std::optional<fs::Attr>& obj,
                   const std::optional<PreOpAttr>& dir_before, fs::InodeId dir, XdrEncoder* res) {
  res->PutU32(static_cast<uint32_t>(st));
  if (st == Nfsstat3::kOk) {
    EncodePostOpFh(res, obj);
    EncodePostOpAttr(res, obj);
  }
  EncodeWccData(res, dir_before, dir != 0 ? AttrOrNone(call, dir) : std::nullopt);
}

// Applies what `attrs` sets besides the mode (given at creation) to a new
// inode. Returns the final attributes or an error status.
Nfsstat3 ApplyRest(const NfsCall& call, const Sattr3& attrs, fs::Attr* attr) {
  fs::SetAttrRequest req = ToSetAttrRequest(attrs);
  req.mode.reset();
  if (!HasAnyAttr(req)) return Nfsstat3::kOk;
  auto r = call.fs()->SetAttr(call.cred, attr->ino, req);
  if (!r.ok()) return ToNfsstat3(r.error());
  *attr = std::move(r).value();
  return Nfsstat3::kOk;
}

fs::Timespec VerfTime(std::string_view verf, size_t at) {
  return fs::Timespec{static_cast<int64_t>(LoadBE32(verf.data() + at)), 0};
}

bool MatchesVerifier(const fs::Attr& attr, std::string_view verf) {
  return attr.type == fs::FileType::kRegular && attr.atime == VerfTime(verf, 0) &&
         attr.mtime == VerfTime(verf, 4);
}

Nfsstat3 CreateExclusive(const NfsCall& call, fs::InodeId dir, std::string_view name,
                         std::string_view verf, std::optional<fs::Attr>* obj) {
  auto r = call.fs()->Create(call.cred, dir, name, kExclusiveMode, /*exclusive=*/true);
  if (!r.ok()) {
    if (r.error().sys_errno() != EEXIST) return ToNfsstat3(r.error());
    auto existing = call.fs()->Lookup(call.cred, dir, name);
    if (existing.ok() && MatchesVerifier(*existing, verf)) {
      *obj = std::move(existing).value();
      return Nfsstat3::kOk;
    }
    return Nfsstat3::kExist;
  }
  fs::SetAttrRequest req;
  req.atime_set = fs::SetAttrRequest::TimeSet::kValue;
  req.atime = VerfTime(verf, 0);
  req.mtime_set = fs::SetAttrRequest::TimeSet::kValue;
  req.mtime = VerfTime(verf, 4);
  auto s = call.fs()->SetAttr(call.cred, r->attr.ino, req);
  if (!s.ok()) return ToNfsstat3(s.error());
  *obj = std::move(s).value();
  return Nfsstat3::kOk;
}

}  // namespace

void Nfs3Create(const NfsCall& call, const CreateArgs& a, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.where.dir, &dir);
  if (st != Nfsstat3::kOk) return EncodeCreated(call, st, std::nullopt, std::nullopt, 0, res);
  PreOpAttr before = PreOpAttr::From(dir);
  std::optional<fs::Attr> obj;
  if (a.mode == CreateMode::kExclusive) {
    st = CreateExclusive(call, dir.ino, a.where.name, a.verf, &obj);
    return EncodeCreated(call, st, obj, before, dir.ino, res);
  }
  uint32_t mode = a.attrs.mode ? (*a.attrs.mode & 07777) : kDefaultFileMode;
  auto r =
      call.fs()->Create(call.cred, dir.ino, a.where.name, mode, a.mode == CreateMode::kGuarded);
  if (!r.ok()) return EncodeCreated(call, ToNfsstat3(r.error()), obj, before, dir.ino, res);
  fs::Attr attr = r->attr;
  if (r->created) {
    st = ApplyRest(call, a.attrs, &attr);
  } else if (a.attrs.size) {
    // UNCHECKED over an existing file: only a size is applied (O_TRUNC).
    fs::SetAttrRequest req;
    req.size = a.attrs.size;
    auto s = call.fs()->SetAttr(call.cred, attr.ino, req);
    if (s.ok()) {
      attr = std::move(s).value();
    } else {
      st = ToNfsstat3(s.error());
    }
  }
  EncodeCreated(call, st, attr, before, dir.ino, res);
}

void Nfs3Mkdir(const NfsCall& call, const MkdirArgs& a, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.where.dir, &dir);
  if (st != Nfsstat3::kOk) return EncodeCreated(call, st, std::nullopt, std::nullopt, 0, res);
  uint32_t mode = a.attrs.mode ? (*a.attrs.mode & 07777) : kDefaultDirMode;
  auto r = call.fs()->Mkdir(call.cred, dir.ino, a.where.name, mode);
  if (!r.ok()) {
    return EncodeCreated(call, ToNfsstat3(r.error()), std::nullopt, PreOpAttr::From(dir), dir.ino,
                         res);
  }
  fs::Attr attr = std::move(r).value();
  st = ApplyRest(call, a.attrs, &attr);
  EncodeCreated(call, st, attr, PreOpAttr::From(dir), dir.ino, res);
}

void Nfs3Symlink(const NfsCall& call, const SymlinkArgs& a, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.where.dir, &dir);
  if (st != Nfsstat3::kOk) return EncodeCreated(call, st, std::nullopt, std::nullopt, 0, res);
  auto r = call.fs()->Symlink(call.cred, dir.ino, a.where.name, a.target);
  if (!r.ok()) {
    return EncodeCreated(call, ToNfsstat3(r.error()), std::nullopt, PreOpAttr::From(dir), dir.ino,
                         res);
  }
  // Symlinks are always mode 0777; the other attributes are applied.
  fs::Attr attr = std::move(r).value();
  st = ApplyRest(call, a.attrs, &attr);
  EncodeCreated(call, st, attr, PreOpAttr::From(dir), dir.ino, res);
}

void Nfs3Mknod(const NfsCall& call, const MknodArgs& a, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.where.dir, &dir);
  if (st != Nfsstat3::kOk) return EncodeCreated(call, st, std::nullopt, std::nullopt, 0, res);
  fs::FileType type;
  switch (a.type) {
    case Ftype3::kChr:
      type = fs::FileType::kCharDevice;
      break;
    case Ftype3::kBlk:
      type = fs::FileType::kBlockDevice;
      break;
    case Ftype3::kSock:
      type = fs::FileType::kSocket;
      break;
    case Ftype3::kFifo:
      type = fs::FileType::kFifo;
      break;
    default:
      return EncodeCreated(call, Nfsstat3::kBadtype, std::nullopt, PreOpAttr::From(dir), dir.ino,
                           res);
  }
  uint32_t mode = a.attrs.mode ? (*a.attrs.mode & 07777) : kDefaultFileMode;
  auto r = call.fs()->Mknod(call.cred, dir.ino, a.where.name, type, mode, a.major, a.minor);
  if (!r.ok()) {
    return EncodeCreated(call, ToNfsstat3(r.error()), std::nullopt, PreOpAttr::From(dir), dir.ino,
                         res);
  }
  fs::Attr attr = std::move(r).value();
  st = ApplyRest(call, a.attrs, &attr);
  EncodeCreated(call, st, attr, PreOpAttr::From(dir), dir.ino, res);
}

void Nfs3Link(const NfsCall& call, const LinkArgs& a, XdrEncoder* res) {
  fs::Attr file, dir;
  Nfsstat3 st = ResolveHandle(call, a.file, &file);
  std::optional<PreOpAttr> dir_before;
  if (st == Nfsstat3::kOk) {
    st = ResolveHandle(call, a.link.dir, &dir);
    if (st == Nfsstat3::kOk) dir_before = PreOpAttr::From(dir);
  }
  if (st == Nfsstat3::kOk) {
    auto r = call.fs()->Link(call.cred, file.ino, dir.ino, a.link.name);
    if (!r.ok()) st = ToNfsstat3(r.error());
  }
  res->PutU32(static_cast<uint32_t>(st));
  EncodePostOpAttr(res, file.ino != 0 ? AttrOrNone(call, file.ino) : std::nullopt);
  EncodeWccData(res, dir_before, dir_before ? AttrOrNone(call, dir.ino) : std::nullopt);
}

}  // namespace zerofs::nfs
