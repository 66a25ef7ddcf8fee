// The NFSv3 procedures, one function each, grouped by family in
// proc_attr.cc, proc_lookup.cc, proc_io.cc, proc_create.cc, proc_remove.cc,
// proc_dir.cc and proc_fs.cc. Each receives decoded (syntactically valid)
// arguments and appends its complete result (nfsstat3 first) to `res`.
// Procedures run on the server's worker threads and may block in the fs core.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "config/config.h"
#include "fs/filesystem.h"
#include "nfs/nfs3_args.h"
#include "nfs/nfs3_encode.h"
#include "nfs/xdr.h"

namespace zerofs::nfs {

// Fixed for the server's lifetime.
struct ServerState {
  fs::FileSystem* fs = nullptr;
  config::NfsWriteMode write_mode = config::NfsWriteMode::kSync;
  // Random per server start: a client that sees it change after UNSTABLE
  // writes re-sends them (RFC 1813 WRITE/COMMIT).
  std::array<char, kWriteVerfSize> write_verf{};
};

// One call.
struct NfsCall {
  const ServerState& server;
  const fs::Cred& cred;
  // Non-null: cached-only mode, for the io thread. A procedure that would
  // wait for the object store (READ of uncached data) sets it and appends
  // nothing; the call is then run again normally on a worker. Procedures
  // that never wait ignore it.
  bool* would_block = nullptr;
  // With would_block: no other call of the connection is in flight or
  // waiting behind this one, so a large cached READ may run here too.
  bool idle = false;
  fs::FileSystem* fs() const { return server.fs; }
};

// Resolves a handle to its inode's current attributes: kBadhandle for a
// malformed handle, kStale when the inode is gone or was reused.
Nfsstat3 ResolveHandle(const NfsCall& call, std::string_view fh, fs::Attr* attr);

// GetAttr that yields nothing on failure (for post_op_attr).
std::optional<fs::Attr> AttrOrNone(const NfsCall& call, fs::InodeId ino);

// Maps sattr3 onto an fs SetAttrRequest (everything it sets).
fs::SetAttrRequest ToSetAttrRequest(const Sattr3& s);
bool HasAnyAttr(const fs::SetAttrRequest& r);

void Nfs3Getattr(const NfsCall& call, const FhArgs& a, XdrEncoder* res);
void Nfs3Setattr(const NfsCall& call, const SetattrArgs& a, XdrEncoder* res);
void Nfs3Access(const NfsCall& call, const AccessArgs& a, XdrEncoder* res);
void Nfs3Lookup(const NfsCall& call, const LookupArgs& a, XdrEncoder* res);
void Nfs3Readlink(const NfsCall& call, const FhArgs& a, XdrEncoder* res);
void Nfs3Read(const NfsCall& call, const ReadArgs& a, XdrEncoder* res);
void Nfs3Write(const NfsCall& call, const WriteArgs& a, XdrEncoder* res);
void Nfs3Commit(const NfsCall& call, const CommitArgs& a, XdrEncoder* res);
void Nfs3Create(const NfsCall& call, const CreateArgs& a, XdrEncoder* res);
void Nfs3Mkdir(const NfsCall& call, const MkdirArgs& a, XdrEncoder* res);
void Nfs3Symlink(const NfsCall& call, const SymlinkArgs& a, XdrEncoder* res);
void Nfs3Mknod(const NfsCall& call, const MknodArgs& a, XdrEncoder* res);
void Nfs3Link(const NfsCall& call, const LinkArgs& a, XdrEncoder* res);
void Nfs3Remove(const NfsCall& call, const LookupArgs& a, XdrEncoder* res);
void Nfs3Rmdir(const NfsCall& call, const LookupArgs& a, XdrEncoder* res);
void Nfs3Rename(const NfsCall& call, const RenameArgs& a, XdrEncoder* res);
void Nfs3Readdir(const NfsCall& call, const ReaddirArgs& a, XdrEncoder* res);
void Nfs3Readdirplus(const NfsCall& call, const ReaddirArgs& a, XdrEncoder* res);
void Nfs3Fsstat(const NfsCall& call, const FhArgs& a, XdrEncoder* res);
void Nfs3Fsinfo(const NfsCall& call, const FhArgs& a, XdrEncoder* res);
void Nfs3Pathconf(const NfsCall& call, const FhArgs& a, XdrEncoder* res);

}  // namespace zerofs::nfs
