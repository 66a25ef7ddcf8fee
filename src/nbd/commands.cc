#include "nbd/commands.h"

#include "base/protocol_metrics.h"

#include <algorithm>

namespace zerofs::nbd {

namespace {

const fs::Cred kRoot = fs::Cred::Root();

CommandResult FromStatus(const Error& e) {
  CommandResult r;
  r.err = e.sys_errno() != 0 ? e.sys_errno() : EIO;
  r.what = e.ToString();
  return r;
}

CommandResult ReadReply(fs::ReadResult read, uint32_t length) {
  CommandResult r;
  r.data = std::move(read.data);
  r.data.resize(length, '\0');  // short only past a shrunken file's end
  return r;
}

CommandResult Read(fs::FileSystem* fs, fs::InodeId ino, uint64_t offset, uint32_t length) {
  auto read = fs->Read(kRoot, ino, offset, length);
  if (!read.ok()) return FromStatus(read.error());
  return ReadReply(std::move(*read), length);
}

Status Cache(fs::FileSystem* fs, fs::InodeId ino, uint64_t offset, uint64_t length,
             uint32_t chunk) {
  for (uint64_t done = 0; done < length;) {
    uint64_t n = std::min<uint64_t>(chunk, length - done);
    auto read = fs->Read(kRoot, ino, offset + done, n);
    if (!read.ok()) return read.error();
    if (read->eof) break;
    done += n;
  }
  return OkStatus();
}

metrics::ProtocolMetrics& Metrics() {
  static metrics::ProtocolMetrics* m = new metrics::ProtocolMetrics("nbd");
  return *m;
}

CommandResult Run(fs::FileSystem* fs, fs::InodeId ino, const RequestHeader& h,
                  const std::string& payload, uint32_t chunk);

// Counts a finished command in the metrics and passes its result on.
CommandResult Counted(const RequestHeader& h, metrics::ProtocolMetrics::Clock::time_point start,
                      CommandResult r) {
  Metrics().Record(h.type, CommandName(h.type), start, r.err == 0);
  if (r.err == 0 && h.type == kCmdRead) Metrics().AddRead(h.length);
  if (r.err == 0 && h.type == kCmdWrite) Metrics().AddWritten(h.length);
  return r;
}

}  // namespace

CommandResult ExecuteCommand(fs::FileSystem* fs, fs::InodeId ino, const RequestHeader& h,
                             const std::string& payload, uint32_t chunk) {
  const auto start = metrics::ProtocolMetrics::Clock::now();
  return Counted(h, start, Run(fs, ino, h, payload, chunk));
}

namespace {

CommandResult Run(fs::FileSystem* fs, fs::InodeId ino, const RequestHeader& h,
                  const std::string& payload, uint32_t chunk) {
  Status st = OkStatus();
  switch (h.type) {
    case kCmdRead:
      return Read(fs, ino, h.offset, h.length);
    case kCmdWrite:
      if (!payload.empty()) {
        auto w = fs->Write(kRoot, ino, h.offset, payload);
        if (!w.ok()) st = w.error();
      }
      break;
    case kCmdFlush:
      st = fs->Fsync(ino);
      break;
    case kCmdTrim:
    case kCmdWriteZeroes:
      if (h.length > 0) {
        Result<fs::Attr> z =
            (h.type == kCmdWriteZeroes && (h.flags & kCmdFlagNoHole))
                ? fs->Fallocate(kRoot, ino, fs::kFallocZeroRange | fs::kFallocKeepSize, h.offset,
                                h.length)
                : fs->PunchHole(kRoot, ino, h.offset, h.length);
        if (!z.ok()) st = z.error();
      }
      break;
    case kCmdCache:
      st = Cache(fs, ino, h.offset, h.length, chunk);
      break;
    default:
      return CommandResult{EINVAL, {}, CommandName(h.type) + " is not supported", {}};
  }
  if (st.ok() && (h.flags & kCmdFlagFua) && h.type != kCmdFlush && h.type != kCmdRead &&
      h.type != kCmdCache) {
    st = fs->Fsync(ino);
  }
  if (!st.ok()) return FromStatus(st.error());
  return CommandResult{};
}

}  // namespace

std::optional<CommandResult> TryReadCached(fs::FileSystem* fs, fs::InodeId ino,
                                           const RequestHeader& h) {
  const auto start = metrics::ProtocolMetrics::Clock::now();
  auto read = fs->TryReadCachedShared(kRoot, ino, h.offset, h.length);
  if (!read.ok()) return Counted(h, start, FromStatus(read.error()));
  if (!*read) return std::nullopt;
  fs::SharedReadResult& shared = **read;
  CommandResult r;
  if (shared.size == h.length) {
    r.cached = std::move(shared);
  } else {  // short past a shrunken file's end: copied and padded, rare
    r.data.reserve(h.length);
    for (const auto& piece : shared.pieces) r.data.append(piece.bytes);
    r.data.resize(h.length, '\0');
  }
  return Counted(h, start, std::move(r));
}

}  // namespace zerofs::nbd
