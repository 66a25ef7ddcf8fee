// FSSTAT, FSINFO, PATHCONF (RFC 1813 sections 3.3.18-3.3.20).
#include "nfs/errors.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

// Common prologue: resolves the handle, or writes the failure result.
bool Resolve(const NfsCall& call, std::string_view fh, fs::Attr* attr, XdrEncoder* res) {
  Nfsstat3 st = ResolveHandle(call, fh, attr);
  if (st == Nfsstat3::kOk) return true;
  res->PutU32(static_cast<uint32_t>(st));
  EncodePostOpAttr(res, std::nullopt);
  return false;
}

}  // namespace

void Nfs3Fsstat(const NfsCall& call, const FhArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  if (!Resolve(call, a.object, &attr, res)) return;
  auto s = call.fs()->StatFs();
  if (!s.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(s.error())));
    EncodePostOpAttr(res, attr);
    return;
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, attr);
  res->PutU64(s->total_bytes);
  res->PutU64(s->free_bytes);
  res->PutU64(s->free_bytes);  // available to non-root: no reserve
  res->PutU64(s->total_inodes);
  res->PutU64(s->free_inodes);
  res->PutU64(s->free_inodes);
  res->PutU32(0);  // invarsec: the values change at any time
}

void Nfs3Fsinfo(const NfsCall& call, const FhArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  if (!Resolve(call, a.object, &attr, res)) return;
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, attr);
  res->PutU32(kMaxTransfer);       // rtmax
  res->PutU32(kMaxTransfer);       // rtpref
  res->PutU32(kTransferMultiple);  // rtmult
  res->PutU32(kMaxTransfer);       // wtmax
  res->PutU32(kMaxTransfer);       // wtpref
  res->PutU32(kTransferMultiple);  // wtmult
  res->PutU32(kMaxTransfer);       // dtpref
  res->PutU64(fs::kMaxFileSize);   // maxfilesize
  res->PutU32(0);                  // time_delta: 1 ns
  res->PutU32(1);
  res->PutU32(kFsfLink | kFsfSymlink | kFsfHomogeneous | kFsfCanSetTime);
}

void Nfs3Pathconf(const NfsCall& call, const FhArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  if (!Resolve(call, a.object, &attr, res)) return;
  const fs::FsOptions& o = call.fs()->options();
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, attr);
  res->PutU32(o.link_max);
  res->PutU32(o.name_max);
  res->PutBool(true);   // no_trunc: long names are an error
  res->PutBool(true);   // chown_restricted
  res->PutBool(false);  // case_insensitive
  res->PutBool(true);   // case_preserving
}

}  // namespace zerofs::nfs
