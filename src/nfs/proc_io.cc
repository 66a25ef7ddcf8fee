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

// Larger READs go to a worker even when cached, unless the connection is
// idle (nothing else in flight or queued behind the READ: a synchronous
// reader, which a hand-off would only delay by a thread wake-up): sending
// them takes a hundred microseconds or more, which would hold up the other
// calls of the connection, and on workers a client's concurrent large reads
// (one kernel mount is one connection) use every core.
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
  if (call.would_block != nullptr && !call.idle && a.count > kMaxInlineRead) {
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
  // Memory-cached data is sent from the cache's extents without a copy,
  // on a worker too (the try fails fast when something is not cached).
  auto cached = call.fs()->TryReadCachedShared(call.cred, attr.ino, a.offset, count, check);
  if (cached.ok() && cached->has_value()) {
    fs::SharedReadResult& r = **cached;
    res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
    EncodePostOpAttr(res, attr);  // a cached read changes nothing (no atime was due)
    res->PutU32(static_cast<uint32_t>(r.size));
    res->PutBool(r.eof);
    std::vector<SharedBytes> pieces;
    pieces.reserve(r.pieces.size());
    for (fs::SharedReadResult::Piece& p : r.pieces) pieces.push_back({std::move(p.owner), p.bytes});
    res->PutOpaqueTail(std::move(pieces), r.size);
    return;
  }
  if (cached.ok() && call.would_block != nullptr) {
    *call.would_block = true;
    return;
  }
  Result<fs::ReadResult> r = fs::ReadResult{};
  std::optional<fs::Attr> after;
  if (!cached.ok()) {
    r = std::move(cached).error();
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
