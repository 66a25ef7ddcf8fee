// Helpers shared by the NFSv3 procedures.
#include "nfs/errors.h"
#include "nfs/file_handle.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

Nfsstat3 ResolveHandle(const NfsCall& call, std::string_view bytes, fs::Attr* attr) {
  auto fh = FileHandle::Decode(bytes);
  if (!fh) return Nfsstat3::kBadhandle;
  auto r = call.fs()->GetAttr(fh->ino);
  if (!r.ok()) return ToNfsstat3(r.error());
  if (r->generation != fh->generation) return Nfsstat3::kStale;
  *attr = std::move(r).value();
  return Nfsstat3::kOk;
}

std::optional<fs::Attr> AttrOrNone(const NfsCall& call, fs::InodeId ino) {
  auto r = call.fs()->GetAttr(ino);
  if (!r.ok()) return std::nullopt;
  return std::move(r).value();
}

namespace {

void SetTime(TimeHow how, const NfsTime& t, fs::SetAttrRequest::TimeSet* set, fs::Timespec* ts) {
  switch (how) {
    case TimeHow::kDontChange:
      break;
    case TimeHow::kServerTime:
      *set = fs::SetAttrRequest::TimeSet::kNow;
      break;
    case TimeHow::kClientTime:
      *set = fs::SetAttrRequest::TimeSet::kValue;
      // nsec beyond a second is clamped rather than rejected.
      *ts = fs::Timespec{t.sec, t.nsec > 999'999'999u ? 999'999'999u : t.nsec};
      break;
  }
}

}  // namespace

fs::SetAttrRequest ToSetAttrRequest(const Sattr3& s) {
  fs::SetAttrRequest r;
  if (s.mode) r.mode = *s.mode & 07777;
  r.uid = s.uid;
  r.gid = s.gid;
  r.size = s.size;
  SetTime(s.atime_how, s.atime, &r.atime_set, &r.atime);
  SetTime(s.mtime_how, s.mtime, &r.mtime_set, &r.mtime);
  return r;
}

bool HasAnyAttr(const fs::SetAttrRequest& r) {
  return r.mode || r.uid || r.gid || r.size ||
         r.atime_set != fs::SetAttrRequest::TimeSet::kUnchanged ||
         r.mtime_set != fs::SetAttrRequest::TimeSet::kUnchanged;
}

}  // namespace zerofs::nfs
