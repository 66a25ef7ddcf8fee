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

#include "nfs/metrics.h"

#include "nfs/errors.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

// Larger READs go to a worker even when cached: copying and sending them
// takes hundreds of microseconds, which would hold up the other connections
// of the io thread, and on workers a client's concurrent large reads (one
// kernel mount is one connection) use every core.
constexpr uint32_t kMaxInlineRead = 64 * 1024;

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
  if (call.would_block != nullptr && a.count > kMaxInlineRead) {
    *call.would_block = true;
    return;
  }
  fs::Attr attr;
  Nfsstat3 st = ResolveHandle(call, a.file, &attr);
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, std::nullopt);
    return;
  }
  uint32_t count = std::min(a.count, kMaxTransfer);
  const fs::IoCheck check = ReadCheck(call, attr);
  Result<fs::ReadResult> r = fs::ReadResult{};
  std::optional<fs::Attr> after;
  if (call.would_block != nullptr) {
    auto cached = call.fs()->TryReadCached(call.cred, attr.ino, a.offset, count, check);
    if (cached.ok() && !cached->has_value()) {
      *call.would_block = true;
      return;
    }
    if (cached.ok()) {
      r = std::move(**cached);
      after = attr;  // a cached read changes nothing (no atime was due)
    } else {
      r = std::move(cached).error();
    }
  } else {
    r = call.fs()->Read(call.cred, attr.ino, a.offset, count, check);
    if (r.ok()) after = AttrOrNone(call, attr.ino);
  }
  if (!r.ok()) {
    res->PutU32(static_cast<uint32_t>(ToNfsstat3(r.error())));
    EncodePostOpAttr(res, attr);
    return;
  }
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, after);
  res->PutU32(static_cast<uint32_t>(r->data.size()));
  res->PutBool(r->eof);
  res->PutOpaqueTail(std::move(r->data));  // not copied into the reply
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
  NfsMetrics().AddWritten(data.size());
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
