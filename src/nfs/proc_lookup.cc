// LOOKUP, READLINK (RFC 1813 sections 3.3.3, 3.3.5).
#include "nfs/errors.h"
#include "nfs/file_handle.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

void Nfs3Lookup(const NfsCall& call, const LookupArgs& a, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.what.dir, &dir);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, std::nullopt);
    return;
  }
  auto r = call.fs()->Lookup(call.cred, dir.ino, a.what.name);
  if (!r.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(r.error())));
    EncodePostOpAttr(res, dir);
    return;
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  res->PutOpaque(FileHandle::From(*r).Encode());
  EncodePostOpAttr(res, *r);
  EncodePostOpAttr(res, dir);
}

void Nfs3Readlink(const NfsCall& call, const FhArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  Nfsstat3 st = ResolveHandle(call, a.object, &attr);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, std::nullopt);
    return;
  }
  auto r = call.fs()->Readlink(attr.ino);
  if (!r.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(r.error())));
    EncodePostOpAttr(res, attr);
    return;
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, attr);
  res->PutOpaque(*r);
}

}  // namespace zerofs::nfs
