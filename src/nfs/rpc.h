// ONC RPC version 2 messages (RFC 5531): the call header with its
// credentials, and the accepted/denied reply headers. Byte order: XDR
// (big-endian), see xdr.h.
#pragma once

#include <cstdint>
#include <string_view>

#include "fs/filesystem.h"
#include "nfs/xdr.h"

namespace zerofs::nfs {

constexpr uint32_t kRpcVersion = 2;

// msg_type
constexpr uint32_t kMsgCall = 0;
constexpr uint32_t kMsgReply = 1;
// reply_stat
constexpr uint32_t kMsgAccepted = 0;
constexpr uint32_t kMsgDenied = 1;

enum class AcceptStat : uint32_t {
  kSuccess = 0,
  kProgUnavail = 1,
  kProgMismatch = 2,
  kProcUnavail = 3,
  kGarbageArgs = 4,
  kSystemErr = 5,
};

enum class RejectStat : uint32_t { kRpcMismatch = 0, kAuthError = 1 };

enum class AuthStat : uint32_t {
  kOk = 0,
  kBadCred = 1,
  kRejectedCred = 2,
  kBadVerf = 3,
  kRejectedVerf = 4,
  kTooWeak = 5,
};

// auth_flavor
constexpr uint32_t kAuthNone = 0;
constexpr uint32_t kAuthSys = 1;
constexpr size_t kMaxAuthBody = 400;
constexpr size_t kMaxMachineName = 255;
constexpr size_t kMaxAuthSysGids = 16;
// Identity given to AUTH_NONE callers ("nobody").
constexpr uint32_t kAnonymousId = 65534;

// Well-known programs.
constexpr uint32_t kPortmapProgram = 100000;
constexpr uint32_t kNfsProgram = 100003;
constexpr uint32_t kMountProgram = 100005;

struct CallHeader {
  uint32_t xid = 0;
  uint32_t rpcvers = 0;
  uint32_t prog = 0;
  uint32_t vers = 0;
  uint32_t proc = 0;
  uint32_t flavor = kAuthNone;
  fs::Cred cred;  // AUTH_SYS ids, or kAnonymousId for AUTH_NONE
};

enum class CallStatus {
  kOk,           // header parsed; `args` holds the procedure arguments
  kNotCall,      // a well-formed REPLY or unknown msg_type: ignore it
  kMalformed,    // header cannot be parsed: close the connection
  kRpcMismatch,  // rpcvers != 2: reply RPC_MISMATCH
  kBadCred,      // credentials unparsable: reply AUTH_ERROR AUTH_BADCRED
  kTooWeak,      // flavour not supported: reply AUTH_ERROR AUTH_TOOWEAK
};

// Parses the call header at the start of `record`. `header->xid` is valid
// for every result except kMalformed; the rest only for kOk.
CallStatus ParseCall(std::string_view record, CallHeader* header, std::string_view* args);

// Reply headers. Each writes a 4-byte placeholder for the record mark first
// when `enc` is empty (see SetRecordMark). Accepted replies carry an
// AUTH_NONE verifier.
void EncodeAcceptedReply(XdrEncoder* enc, uint32_t xid, AcceptStat stat);
void EncodeProgMismatch(XdrEncoder* enc, uint32_t xid, uint32_t low, uint32_t high);
void EncodeRpcMismatch(XdrEncoder* enc, uint32_t xid);
void EncodeAuthError(XdrEncoder* enc, uint32_t xid, AuthStat stat);

}  // namespace zerofs::nfs
