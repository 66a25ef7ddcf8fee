// READ, WRITE, COMMIT (RFC 1813 sections 3.3.6, 3.3.7, 3.3.21).
//
// Permissions: NFS has no open, so every READ/WRITE is checked. As Linux
// knfsd does, the file's owner may read and write it whatever its mode (a
// client that created a 0444 file and still holds it open must be able to
// write it), and a file the caller may execute may be read (executables
// are paged in with READ).
//
// Durability (config::NfsWriteMode): kSync answers UNSTABLE writes UNSTABLE
// with the boot verifier (COMMIT makes them durable) and flushes before
// answering DATA_SYNC/FILE_SYNC writes, which are answered FILE_SYNC.
// kBuffered answers every write FILE_SYNC without flushing. COMMIT always
// flushes.
#include <algorithm>

#include "nfs/errors.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

std::string_view WriteVerf(const NfsCall& call) {
  return std::string_view(call.server.write_verf.data(), call.server.write_verf.size());
}

fs::IoCheck ReadCheck(const NfsCall& call, const fs::Attr& attr) {
  if (call.cred.uid == attr.uid) return fs::IoCheck::kOpened;
  auto granted = call.fs()->Access(call.cred, attr.ino, fs::kAccessRead | fs::kAccessExec);
  if (granted.ok() && *granted != 0) return fs::IoCheck::kOpened;
  return fs::IoCheck::kCheck;
}

fs::IoCheck WriteCheck(const NfsCall& call, const fs::Attr& attr) {
  return call.cred.uid == attr.uid ? fs::IoCheck::kOpened : fs::IoCheck::kCheck;
}

}  // namespace

void Nfs3Read(const NfsCall& call, const ReadArgs& a, XdrEncoder* res) {
  fs::Attr attr;
  Nfsstat3 st = ResolveHandle(call, a.file, &attr);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, std::nullopt);
    return;
  }
  uint32_t count = std::min(a.count, kMaxTransfer);
  auto r = call.fs()->Read(call.cred, attr.ino, a.offset, count, ReadCheck(call, attr));
  if (!r.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(r.error())));
    EncodePostOpAttr(res, attr);
    return;
  }
  std::optional<fs::Attr> after = AttrOrNone(call, attr.ino);
  res->Reserve(r->data.size() + 128);
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, after);
  res->PutU32(static_cast<uint32_t>(r->data.size()));
  res->PutBool(r->eof);
  res->PutOpaque(r->data);
}

void Nfs3Write(const NfsCall& call, const WriteArgs& a, XdrEncoder* res) {
  fs::Attr before;
  Nfsstat3 st = ResolveHandle(call, a.file, &before);
  if (st == Nfsstat3::kOk && a.count > a.data.size()) st = Nfsstat3::kInval;
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodeWccData(res, std::nullopt, std::nullopt);
    return;
  }
  std::string_view data = a.data.substr(0, a.count);
  auto w = call.fs()->Write(call.cred, before.ino, a.offset, data, WriteCheck(call, before));
  if (!w.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(w.error())));
    EncodeWccData(res, PreOpAttr::From(before), AttrOrNone(call, before.ino));
    return;
  }
  StableHow committed = StableHow::kFileSync;
  if (call.server.write_mode == config::NfsWriteMode::kSync) {
    if (a.stable == StableHow::kUnstable) {
      committed = StableHow::kUnstable;
    } else if (auto s = call.fs()->Fsync(before.ino); !s.ok()) {
      res->PutU32(static_cast<uint32_t>(ToNfsstat3(s.error())));
      EncodeWccData(res, PreOpAttr::From(before), *w);
      return;
    }
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodeWccData(res, PreOpAttr::From(before), *w);
  res->PutU32(static_cast<uint32_t>(data.size()));
  res->PutU32(static_cast<uint32_t>(committed));
  res->PutFixed(WriteVerf(call));
}

void Nfs3Commit(const NfsCall& call, const CommitArgs& a, XdrEncoder* res) {
  fs::Attr before;
  Nfsstat3 st = ResolveHandle(call, a.file, &before);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodeWccData(res, std::nullopt, std::nullopt);
    return;
  }
  // The whole filesystem is flushed; offset and count are not needed.
  auto s = call.fs()->Fsync(before.ino);
  std::optional<fs::Attr> after = AttrOrNone(call, before.ino);
  if (!s.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(s.error())));
    EncodeWccData(res, PreOpAttr::From(before), after);
    return;
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodeWccData(res, PreOpAttr::From(before), after);
  res->PutFixed(WriteVerf(call));
}

}  // namespace zerofs::nfs
