// Portmapper v2 (RFC 1833 section 3) on the NFS port: NULL, GETPORT and
// DUMP answer for NFS v3 and MOUNT v3 over TCP on the port the call came in
// on; SET and UNSET are refused (FALSE); CALLIT is not offered.
#include "nfs/nfs3_types.h"
#include "nfs/programs.h"

namespace zerofs::nfs {

namespace {

bool Served(uint32_t prog, uint32_t vers, uint32_t prot) {
  if (prot != kIpProtoTcp) return false;
  return (prog == kNfsProgram && vers == kNfsVersion3) ||
         (prog == kMountProgram && vers == kMountVersion3) ||
         (prog == kPortmapProgram && vers == kPortmapVersion2);
}

}  // namespace

AcceptStat HandlePortmap(const CallHeader& call, std::string_view args, const ConnectionInfo& conn,
                         XdrEncoder* res) {
  PortmapMapping m;
  switch (static_cast<PortmapProc>(call.proc)) {
    case PortmapProc::kNull:
      return DecodeNullArgs(args) ? AcceptStat::kSuccess : AcceptStat::kGarbageArgs;
    case PortmapProc::kSet:
    case PortmapProc::kUnset:
      if (!DecodePortmapMapping(args, &m)) return AcceptStat::kGarbageArgs;
      res->PutBool(false);
      return AcceptStat::kSuccess;
    case PortmapProc::kGetport:
      if (!DecodePortmapMapping(args, &m)) return AcceptStat::kGarbageArgs;
      res->PutU32(Served(m.prog, m.vers, m.prot) ? conn.local_port : 0);
      return AcceptStat::kSuccess;
    case PortmapProc::kDump: {
      if (!DecodeNullArgs(args)) return AcceptStat::kGarbageArgs;
      const uint32_t progs[][2] = {{kPortmapProgram, kPortmapVersion2},
                                   {kNfsProgram, kNfsVersion3},
                                   {kMountProgram, kMountVersion3}};
      for (const auto& p : progs) {
        res->PutBool(true);
        res->PutU32(p[0]);
        res->PutU32(p[1]);
        res->PutU32(kIpProtoTcp);
        res->PutU32(conn.local_port);
      }
      res->PutBool(false);
      return AcceptStat::kSuccess;
    }
    default:
      return AcceptStat::kProcUnavail;
  }
}

}  // namespace zerofs::nfs
