#include "nfs/dispatcher.h"

#include "nfs/metrics.h"

#include <spdlog/spdlog.h>

#include "base/coding.h"
#include "nfs/nfs3_types.h"
#include "nfs/record.h"

namespace zerofs::nfs {

namespace {

struct ProgramVersions {
  uint32_t prog, low, high;
};
constexpr ProgramVersions kPrograms[] = {
    {kPortmapProgram, kPortmapVersion2, kPortmapVersion2},
    {kMountProgram, kMountVersion3, kMountVersion3},
    {kNfsProgram, kNfsVersion3, kNfsVersion3},
};

// Header words: xid, msg_type, rpcvers, prog, vers, proc.
constexpr size_t kProgOffset = 12;
constexpr size_t kProcOffset = 20;

}  // namespace

Dispatcher::Placement Dispatcher::Place(std::string_view record) {
  if (record.size() < kProcOffset + 4) return Placement::kInline;
  const uint32_t prog = LoadBE32(record.data() + kProgOffset);
  const uint32_t proc = LoadBE32(record.data() + kProcOffset);
  switch (prog) {
    case kNfsProgram:
      switch (static_cast<Nfs3Proc>(proc)) {
        case Nfs3Proc::kNull:
        case Nfs3Proc::kGetattr:
        case Nfs3Proc::kLookup:
        case Nfs3Proc::kAccess:
        case Nfs3Proc::kReadlink:
        case Nfs3Proc::kFsstat:
        case Nfs3Proc::kFsinfo:
        case Nfs3Proc::kPathconf:
          return Placement::kInline;
        case Nfs3Proc::kRead:
          return Placement::kTryInline;
        case Nfs3Proc::kSetattr:
        case Nfs3Proc::kCreate:
        case Nfs3Proc::kMkdir:
        case Nfs3Proc::kSymlink:
        case Nfs3Proc::kMknod:
        case Nfs3Proc::kRemove:
        case Nfs3Proc::kRmdir:
        case Nfs3Proc::kRename:
        case Nfs3Proc::kLink:
          return Placement::kInlineIfIdle;
        default:  // PROC_UNAVAIL beyond the table
          return proc >= kNfs3ProcCount ? Placement::kInline : Placement::kWorker;
      }
    case kMountProgram:
      return proc == static_cast<uint32_t>(MountProc::kMnt) ? Placement::kWorker
                                                            : Placement::kInline;
    default:
      return Placement::kInline;  // portmapper, or PROG_UNAVAIL
  }
}

Dispatcher::Outcome Dispatcher::Handle(std::string_view record, const ConnectionInfo& conn,
                                       Reply* reply, bool cached_only, bool idle) {
  CallHeader call;
  std::string_view args;
  XdrEncoder enc;
  switch (ParseCall(record, &call, &args)) {
    case CallStatus::kMalformed:
      spdlog::debug("nfs: {}: malformed RPC header, closing", conn.client_host);
      return Outcome::kClose;
    case CallStatus::kNotCall:
      return Outcome::kIgnore;
    case CallStatus::kRpcMismatch:
      EncodeRpcMismatch(&enc, call.xid);
      break;
    case CallStatus::kBadCred:
      EncodeAuthError(&enc, call.xid, AuthStat::kBadCred);
      break;
    case CallStatus::kTooWeak:
      EncodeAuthError(&enc, call.xid, AuthStat::kTooWeak);
      break;
    case CallStatus::kOk: {
      const ProgramVersions* pv = nullptr;
      for (const auto& p : kPrograms) {
        if (p.prog == call.prog) pv = &p;
      }
      if (pv == nullptr) {
        EncodeAcceptedReply(&enc, call.xid, AcceptStat::kProgUnavail);
        break;
      }
      if (call.vers < pv->low || call.vers > pv->high) {
        EncodeProgMismatch(&enc, call.xid, pv->low, pv->high);
        break;
      }
      EncodeAcceptedReply(&enc, call.xid, AcceptStat::kSuccess);
      size_t stat_pos = enc.size() - 4;
      AcceptStat st;
      switch (call.prog) {
        case kPortmapProgram:
          st = HandlePortmap(call, args, conn, &enc);
          break;
        case kMountProgram:
          st = HandleMount(call, args, conn, state_, &mounts_, &enc);
          break;
        default: {
          const auto start = metrics::ProtocolMetrics::Clock::now();
          bool would_block = false;
          st = HandleNfs3(call, args, state_, &enc, cached_only ? &would_block : nullptr, idle);
          if (would_block) return Outcome::kWouldBlock;
          // Every NFSv3 result starts with its nfsstat3 (0 = NFS3_OK).
          const bool ok = st == AcceptStat::kSuccess && enc.size() >= stat_pos + 8 &&
                          enc.U32At(stat_pos + 4) == 0;
          NfsMetrics().Record(call.proc, Nfs3ProcName(call.proc), start, ok);
          if (ok && call.proc == static_cast<uint32_t>(Nfs3Proc::kRead)) {
            NfsMetrics().AddRead(enc.tail_size());
          }
          break;
        }
      }
      if (st != AcceptStat::kSuccess) {
        enc.Truncate(stat_pos + 4);
        enc.PatchU32(stat_pos, static_cast<uint32_t>(st));
      }
      break;
    }
  }
  reply->head = enc.Take();
  reply->tail = enc.TakeTail();
  SetRecordMark(&reply->head, reply->tail.size);
  return Outcome::kReply;
}

Dispatcher::Outcome Dispatcher::Handle(std::string_view record, const ConnectionInfo& conn,
                                       std::string* reply) {
  Reply r;
  Outcome o = Handle(record, conn, &r);
  *reply = std::move(r.head) + r.tail.Flatten();
  return o;
}

}  // namespace zerofs::nfs
