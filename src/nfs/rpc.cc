#include "nfs/rpc.h"

namespace zerofs::nfs {

namespace {

// Decodes an AUTH_SYS body (authsys_parms). False if malformed.
bool ParseAuthSys(std::string_view body, fs::Cred* cred) {
  XdrDecoder d(body);
  uint32_t stamp, ngids;
  std::string_view machine;
  d.GetU32(&stamp);
  d.GetOpaque(kMaxMachineName, &machine);
  d.GetU32(&cred->uid);
  d.GetU32(&cred->gid);
  if (!d.GetU32(&ngids) || ngids > kMaxAuthSysGids) return false;
  cred->groups.resize(ngids);
  for (auto& g : cred->groups) d.GetU32(&g);
  return d.done();
}

void BeginReply(XdrEncoder* enc, uint32_t xid) {
  if (enc->size() == 0) enc->PutU32(0);  // record mark, set when sending
  enc->PutU32(xid);
  enc->PutU32(kMsgReply);
}

}  // namespace

CallStatus ParseCall(std::string_view record, CallHeader* h, std::string_view* args) {
  XdrDecoder d(record);
  uint32_t msg_type;
  if (!d.GetU32(&h->xid) || !d.GetU32(&msg_type)) return CallStatus::kMalformed;
  if (msg_type != kMsgCall) return CallStatus::kNotCall;
  if (!d.GetU32(&h->rpcvers)) return CallStatus::kMalformed;
  if (h->rpcvers != kRpcVersion) return CallStatus::kRpcMismatch;
  uint32_t cred_len, verf_flavor, verf_len;
  std::string_view cred_body, verf_body;
  d.GetU32(&h->prog);
  d.GetU32(&h->vers);
  d.GetU32(&h->proc);
  d.GetU32(&h->flavor);
  if (!d.GetU32(&cred_len)) return CallStatus::kMalformed;
  if (cred_len > kMaxAuthBody) return CallStatus::kBadCred;
  d.GetFixed(cred_len, &cred_body);
  d.GetU32(&verf_flavor);
  if (!d.GetU32(&verf_len)) return CallStatus::kMalformed;
  if (verf_len > kMaxAuthBody) return CallStatus::kBadCred;
  if (!d.GetFixed(verf_len, &verf_body)) return CallStatus::kMalformed;
  switch (h->flavor) {
    case kAuthNone:
      h->cred = fs::Cred{kAnonymousId, kAnonymousId, {}};
      break;
    case kAuthSys:
      if (!ParseAuthSys(cred_body, &h->cred)) return CallStatus::kBadCred;
      break;
    default:
      return CallStatus::kTooWeak;
  }
  *args = record.substr(d.position());
  return CallStatus::kOk;
}

void EncodeAcceptedReply(XdrEncoder* enc, uint32_t xid, AcceptStat stat) {
  BeginReply(enc, xid);
  enc->PutU32(kMsgAccepted);
  enc->PutU32(kAuthNone);  // verifier: AUTH_NONE, empty body
  enc->PutU32(0);
  enc->PutU32(static_cast<uint32_t>(stat));
}

void EncodeProgMismatch(XdrEncoder* enc, uint32_t xid, uint32_t low, uint32_t high) {
  EncodeAcceptedReply(enc, xid, AcceptStat::kProgMismatch);
  enc->PutU32(low);
  enc->PutU32(high);
}

void EncodeRpcMismatch(XdrEncoder* enc, uint32_t xid) {
  BeginReply(enc, xid);
  enc->PutU32(kMsgDenied);
  enc->PutU32(static_cast<uint32_t>(RejectStat::kRpcMismatch));
  enc->PutU32(kRpcVersion);
  enc->PutU32(kRpcVersion);
}

void EncodeAuthError(XdrEncoder* enc, uint32_t xid, AuthStat stat) {
  BeginReply(enc, xid);
  enc->PutU32(kMsgDenied);
  enc->PutU32(static_cast<uint32_t>(RejectStat::kAuthError));
  enc->PutU32(static_cast<uint32_t>(stat));
}

}  // namespace zerofs::nfs
