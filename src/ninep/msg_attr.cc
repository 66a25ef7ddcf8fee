// Tgetattr, Tsetattr (and Tsetattrplus), Tstatfs.
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

// What Rgetattr can report (data_version is not tracked).
constexpr uint64_t kProvided = kGetattrBasic | kGetattrBtime | kGetattrGen;
constexpr uint64_t kBlksize = 4096;
constexpr uint32_t kMaxNsec = 999'999'999;

}  // namespace

Rgetattr AttrReply(const fs::Attr& a, uint64_t request_mask) {
  Rgetattr r;
  r.valid = request_mask & kProvided;
  r.qid = MakeQid(a);
  auto want = [&](uint64_t bit) { return (r.valid & bit) != 0; };
  if (want(kGetattrMode)) r.mode = a.full_mode();
  if (want(kGetattrUid)) r.uid = a.uid;
  if (want(kGetattrGid)) r.gid = a.gid;
  if (want(kGetattrNlink)) r.nlink = a.nlink;
  if (want(kGetattrRdev)) r.rdev = a.rdev();
  if (want(kGetattrSize)) r.size = a.size;
  if (want(kGetattrBlocks)) {
    r.blksize = kBlksize;
    r.blocks = (a.used + 511) / 512;
  }
  if (want(kGetattrAtime)) {
    r.atime_sec = static_cast<uint64_t>(a.atime.sec);
    r.atime_nsec = a.atime.nsec;
  }
  if (want(kGetattrMtime)) {
    r.mtime_sec = static_cast<uint64_t>(a.mtime.sec);
    r.mtime_nsec = a.mtime.nsec;
  }
  if (want(kGetattrCtime)) {
    r.ctime_sec = static_cast<uint64_t>(a.ctime.sec);
    r.ctime_nsec = a.ctime.nsec;
  }
  if (want(kGetattrBtime)) {
    r.btime_sec = static_cast<uint64_t>(a.btime.sec);
    r.btime_nsec = a.btime.nsec;
  }
  if (want(kGetattrGen)) r.gen = a.generation;
  return r;
}

HandlerResult Handle(RequestContext& c, const Tgetattr& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(fs::Attr a, c.fs->GetAttr(fid->ino));
  return AttrReply(a, m.request_mask);
}

namespace {

// Is `m` a mode change from someone other than the owner or root that only
// clears S_ISUID/S_ISGID? The Linux client turns the kernel's "kill set-id
// bits before a truncate or write by a non-owner" into such a Tsetattr
// (with the size, for a truncate). chmod rules would refuse it (EPERM); the
// fs clears those bits itself on the truncate or write that follows.
Result<bool> IsSetidKill(RequestContext& c, const Fid& fid, const Tsetattr& m) {
  if (!(m.valid & kSetattrMode) || fid.cred.is_root()) return false;
  ZFS_ASSIGN_OR_RETURN(fs::Attr a, c.fs->GetAttr(fid.ino));
  if (a.uid == fid.cred.uid) return false;
  const uint32_t cur = a.full_mode() & 07777;
  const uint32_t want = m.mode & 07777;
  const uint32_t cleared = cur & ~want;
  return (want & ~cur) == 0 && cleared != 0 && (cleared & ~06000u) == 0;
}

// ATIME/MTIME without ATIME_SET/MTIME_SET mean "now" (server clock); with
// them the time in the message. A lone CTIME bit has nothing to change
// besides ctime itself, which the fs sets whenever anything changes.
// Returns the attributes after the change.
Result<fs::Attr> SetAttrOf(RequestContext& c, const Tsetattr& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  fs::SetAttrRequest req;
  ZFS_ASSIGN_OR_RETURN(bool setid_kill, IsSetidKill(c, *fid, m));
  if ((m.valid & kSetattrMode) && !setid_kill) req.mode = m.mode & 07777;
  if (m.valid & kSetattrUid) req.uid = m.uid;
  if (m.valid & kSetattrGid) req.gid = m.gid;
  if (m.valid & kSetattrSize) req.size = m.size;
  if (m.valid & kSetattrAtime) {
    if (m.valid & kSetattrAtimeSet) {
      if (m.atime_nsec > kMaxNsec) return Error::Posix(EINVAL, "Tsetattr: atime_nsec");
      req.atime_set = fs::SetAttrRequest::TimeSet::kValue;
      req.atime = {static_cast<int64_t>(m.atime_sec), static_cast<uint32_t>(m.atime_nsec)};
    } else {
      req.atime_set = fs::SetAttrRequest::TimeSet::kNow;
    }
  }
  if (m.valid & kSetattrMtime) {
    if (m.valid & kSetattrMtimeSet) {
      if (m.mtime_nsec > kMaxNsec) return Error::Posix(EINVAL, "Tsetattr: mtime_nsec");
      req.mtime_set = fs::SetAttrRequest::TimeSet::kValue;
      req.mtime = {static_cast<int64_t>(m.mtime_sec), static_cast<uint32_t>(m.mtime_nsec)};
    } else {
      req.mtime_set = fs::SetAttrRequest::TimeSet::kNow;
    }
  }
  return c.fs->SetAttr(fid->cred, fid->ino, req);
}

}  // namespace

HandlerResult Handle(RequestContext& c, const Tsetattr& m) {
  ZFS_RETURN_IF_ERROR(SetAttrOf(c, m));
  return Rsetattr{};
}

HandlerResult Handle(RequestContext& c, const Tsetattrplus& m) {
  ZFS_ASSIGN_OR_RETURN(fs::Attr a, SetAttrOf(c, m.set));
  return Rsetattrplus{AttrReply(a, kGetattrBasic)};
}

HandlerResult Handle(RequestContext& c, const Tstatfs& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  (void)fid;
  ZFS_ASSIGN_OR_RETURN(fs::StatFsResult s, c.fs->StatFs());
  uint64_t bsize = s.block_size ? s.block_size : kBlksize;
  Rstatfs r;
  r.type = kV9fsMagic;
  r.bsize = static_cast<uint32_t>(bsize);
  r.blocks = s.total_bytes / bsize;
  r.bfree = s.free_bytes / bsize;
  r.bavail = s.free_bytes / bsize;
  r.files = s.total_inodes;
  r.ffree = s.free_inodes;
  r.fsid = 0;
  r.namelen = s.name_max;
  return r;
}

}  // namespace zerofs::ninep
