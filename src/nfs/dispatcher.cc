#include "nfs/dispatcher.h"

#include <spdlog/spdlog.h>

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

}  // namespace

Dispatcher::Outcome Dispatcher::Handle(std::string_view record, const ConnectionInfo& conn,
                                       std::string* reply) {
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
        default:
          st = HandleNfs3(call, args, state_, &enc);
          break;
      }
      if (st != AcceptStat::kSuccess) {
        enc.Truncate(stat_pos + 4);
        enc.PatchU32(stat_pos, static_cast<uint32_t>(st));
      }
      break;
    }
  }
  *reply = enc.Take();
  SetRecordMark(reply);
  return Outcome::kReply;
}

}  // namespace zerofs::nfs
