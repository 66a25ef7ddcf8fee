// NFS v3 procedure table: decode (GARBAGE_ARGS on failure), then run.
#include <spdlog/spdlog.h>

#include "nfs/programs.h"

namespace zerofs::nfs {

namespace {

using Runner = AcceptStat (*)(const NfsCall&, std::string_view, XdrEncoder*);

template <typename Args, bool (*Decode)(std::string_view, Args*),
          void (*Proc)(const NfsCall&, const Args&, XdrEncoder*)>
AcceptStat Run(const NfsCall& call, std::string_view in, XdrEncoder* res) {
  Args args;
  if (!Decode(in, &args)) return AcceptStat::kGarbageArgs;
  Proc(call, args, res);
  return AcceptStat::kSuccess;
}

AcceptStat RunNull(const NfsCall&, std::string_view in, XdrEncoder*) {
  return DecodeNullArgs(in) ? AcceptStat::kSuccess : AcceptStat::kGarbageArgs;
}

struct ProcEntry {
  const char* name;
  Runner run;
};

constexpr ProcEntry kProcs[kNfs3ProcCount] = {
    {"NULL", RunNull},
    {"GETATTR", Run<FhArgs, DecodeFhArgs, Nfs3Getattr>},
    {"SETATTR", Run<SetattrArgs, DecodeSetattrArgs, Nfs3Setattr>},
    {"LOOKUP", Run<LookupArgs, DecodeLookupArgs, Nfs3Lookup>},
    {"ACCESS", Run<AccessArgs, DecodeAccessArgs, Nfs3Access>},
    {"READLINK", Run<FhArgs, DecodeFhArgs, Nfs3Readlink>},
    {"READ", Run<ReadArgs, DecodeReadArgs, Nfs3Read>},
    {"WRITE", Run<WriteArgs, DecodeWriteArgs, Nfs3Write>},
    {"CREATE", Run<CreateArgs, DecodeCreateArgs, Nfs3Create>},
    {"MKDIR", Run<MkdirArgs, DecodeMkdirArgs, Nfs3Mkdir>},
    {"SYMLINK", Run<SymlinkArgs, DecodeSymlinkArgs, Nfs3Symlink>},
    {"MKNOD", Run<MknodArgs, DecodeMknodArgs, Nfs3Mknod>},
    {"REMOVE", Run<LookupArgs, DecodeLookupArgs, Nfs3Remove>},
    {"RMDIR", Run<LookupArgs, DecodeLookupArgs, Nfs3Rmdir>},
    {"RENAME", Run<RenameArgs, DecodeRenameArgs, Nfs3Rename>},
    {"LINK", Run<LinkArgs, DecodeLinkArgs, Nfs3Link>},
    {"READDIR", Run<ReaddirArgs, DecodeReaddirArgs, Nfs3Readdir>},
    {"READDIRPLUS", Run<ReaddirArgs, DecodeReaddirplusArgs, Nfs3Readdirplus>},
    {"FSSTAT", Run<FhArgs, DecodeFhArgs, Nfs3Fsstat>},
    {"FSINFO", Run<FhArgs, DecodeFhArgs, Nfs3Fsinfo>},
    {"PATHCONF", Run<FhArgs, DecodeFhArgs, Nfs3Pathconf>},
    {"COMMIT", Run<CommitArgs, DecodeCommitArgs, Nfs3Commit>},
};

}  // namespace

const char* Nfs3ProcName(uint32_t proc) {
  return proc < kNfs3ProcCount ? kProcs[proc].name : "UNKNOWN";
}

AcceptStat HandleNfs3(const CallHeader& call, std::string_view args, const ServerState& server,
                      XdrEncoder* res, bool* would_block, bool idle) {
  if (call.proc >= kNfs3ProcCount) return AcceptStat::kProcUnavail;
  NfsCall c{server, call.cred, would_block, idle};
  AcceptStat st = kProcs[call.proc].run(c, args, res);
  if (st == AcceptStat::kGarbageArgs) {
    spdlog::debug("nfs: {} xid {:#x}: undecodable arguments", kProcs[call.proc].name, call.xid);
  }
  return st;
}

}  // namespace zerofs::nfs
