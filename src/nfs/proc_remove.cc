// REMOVE, RMDIR, RENAME (RFC 1813 sections 3.3.12-3.3.14).
#include "nfs/errors.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

// REMOVE and RMDIR share everything but the fs call.
template <typename Op>
void RemoveName(const NfsCall& call, const LookupArgs& a, XdrEncoder* res, Op op) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.what.dir, &dir);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodeWccData(res, std::nullopt, std::nullopt);
    return;
  }
  Status s = op(dir.ino);
  res->PutU32(static_cast<uint32_t>(s.ok() ? Nfsstat3::kOk : ToNfsstat3(s.error())));
  EncodeWccData(res, PreOpAttr::From(dir), AttrOrNone(call, dir.ino));
}

}  // namespace

void Nfs3Remove(const NfsCall& call, const LookupArgs& a, XdrEncoder* res) {
  RemoveName(call, a, res,
             [&](fs::InodeId dir) { return call.fs()->Unlink(call.cred, dir, a.what.name); });
}

void Nfs3Rmdir(const NfsCall& call, const LookupArgs& a, XdrEncoder* res) {
  RemoveName(call, a, res,
             [&](fs::InodeId dir) { return call.fs()->Rmdir(call.cred, dir, a.what.name); });
}

void Nfs3Rename(const NfsCall& call, const RenameArgs& a, XdrEncoder* res) {
  fs::Attr from, to;
  std::optional<PreOpAttr> from_before, to_before;
  Nfsstat3 st = ResolveHandle(call, a.from.dir, &from);
  if (st == Nfsstat3::kOk) {
    from_before = PreOpAttr::From(from);
    st = ResolveHandle(call, a.to.dir, &to);
    if (st == Nfsstat3::kOk) to_before = PreOpAttr::From(to);
  }
  if (st == Nfsstat3::kOk) {
    Status s = call.fs()->Rename(call.cred, from.ino, a.from.name, to.ino, a.to.name);
    if (!s.ok()) st = ToNfsstat3(s.error());
  }
  res->PutU32(static_cast<uint32_t>(st));
  EncodeWccData(res, from_before, from_before ? AttrOrNone(call, from.ino) : std::nullopt);
  EncodeWccData(res, to_before, to_before ? AttrOrNone(call, to.ino) : std::nullopt);
}

}  // namespace zerofs::nfs
