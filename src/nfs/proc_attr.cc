// GETATTR, SETATTR, ACCESS (RFC 1813 sections 3.3.1, 3.3.2, 3.3.4).
#include "nfs/errors.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

void Nfs3Getattr(const NfsCall& call, const FhArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  Nfsstat3 st = ResolveHandle(call, a.object, &attr);
  res->PutU32(static_cast<uint32_t>(st));
  if (st == Nfsstat3::kOk) EncodeFattr3(res, attr);
}

void Nfs3Setattr(const NfsCall& call, const SetattrArgs& a, XdrEncoder* res) {
  fs::Attr before;
  Nfsstat3 st = ResolveHandle(call, a.object, &before);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodeWccData(res, std::nullopt, std::nullopt);
    return;
  }
  // The guard compares the ctime the client last saw; this check and the
  // change are not one transaction, so a racing change can slip between.
  if (a.guard_ctime &&
      (before.ctime.sec != a.guard_ctime->sec || before.ctime.nsec != a.guard_ctime->nsec)) {
    res->PutU32(static_cast<uint32_t>(Nfsstat3::kNotSync));
    EncodeWccData(res, PreOpAttr::From(before), before);
    return;
  }
  fs::SetAttrRequest req = ToSetAttrRequest(a.attrs);
  std::optional<fs::Attr> after = before;
  st = Nfsstat3::kOk;
  if (HasAnyAttr(req)) {
    auto r = call.fs()->SetAttr(call.cred, before.ino, req);
    if (r.ok()) {
      after = std::move(r).value();
    } else {
      st = ToNfsstat3(r.error());
      after = AttrOrNone(call, before.ino);
    }
  }
  res->PutU32(static_cast<uint32_t>(st));
  EncodeWccData(res, PreOpAttr::From(before), after);
}

void Nfs3Access(const NfsCall& call, const AccessArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  Nfsstat3 st = ResolveHandle(call, a.object, &attr);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, std::nullopt);
    return;
  }
  auto granted =
      call.fs()->Access(call.cred, attr.ino, fs::kAccessRead | fs::kAccessWrite | fs::kAccessExec);
  if (!granted.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(granted.error())));
    EncodePostOpAttr(res, attr);
    return;
  }
  bool is_dir = attr.type == fs::FileType::kDirectory;
  uint32_t g = *granted;
  uint32_t out = 0;
  if (g & fs::kAccessRead) out |= kAccess3Read;
  if (g & fs::kAccessWrite) {
    out |= kAccess3Modify | kAccess3Extend;
    if (is_dir) out |= kAccess3Delete;
  }
  if (g & fs::kAccessExec) out |= is_dir ? kAccess3Lookup : kAccess3Execute;
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, attr);
  res->PutU32(out & a.access);
}

}  // namespace zerofs::nfs
