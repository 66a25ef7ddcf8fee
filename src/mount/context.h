// The state every FUSE operation of one mount shares, and small helpers for
// the operations (ops_*.cc).
#pragma once

#include <cerrno>
#include <cstdint>
#include <string>
#include <type_traits>

#include "base/result.h"
#include "mount/attr_cache.h"
#include "mount/connection.h"
#include "mount/dir_names.h"
#include "mount/fuse.h"
#include "mount/handles.h"
#include "mount/lock_records.h"
#include "mount/node_table.h"
#include "mount/options.h"
#include "mount/remote.h"
#include "mount/xattr_misses.h"

namespace zerofs::mount {

struct MountContext {
  explicit MountContext(const MountOptions& o);

  MountOptions options;
  Connection conn;
  NodeTable nodes;
  HandleTable handles;
  // Attributes from the server's replies, for getattr (attr_cache.h).
  AttrCache attrs;
  // The names in directories this mount created, for negative lookups
  // without a round trip (dir_names.h).
  DirNames names;
  // Xattrs nodes were found not to have, for getxattr (xattr_misses.h).
  XattrMisses xattr_misses;
  // The POSIX locks granted to this mount, taken again after a reconnect.
  LockRecords locks;
  Remote remote;
  // Names this client in Tlock/Tgetlock (with the lock owner as proc_id).
  std::string client_id;
  fuse_session* session = nullptr;  // set once created, for notifications
};

// The mount's state (fuse_session_new userdata).
MountContext& Ctx(fuse_req_t req);
// Who made the system call: the server checks permissions as this uid.
uint32_t CallerUid(fuse_req_t req);
uint32_t CallerGid(fuse_req_t req);

// fuse_reply_err with the error's errno (EIO when it has none).
void ReplyError(fuse_req_t req, const Error& e);
// 0 or the errno of `s`.
void ReplyStatus(fuse_req_t req, const Status& s);

// ENAMETOOLONG for a name over NAME_MAX (the kernel leaves that check to
// FUSE file systems, and a walk would only say ENOENT).
bool NameTooLong(fuse_req_t req, const char* name);

// The open handle stored in fi->fh.
inline Handle* HandleOf(const fuse_file_info* fi) {
  return reinterpret_cast<Handle*>(static_cast<uintptr_t>(fi->fh));
}

// The operation tables, one function per kind (ops_*.cc).
void AddEntryOps(fuse_lowlevel_ops* ops);
void AddFileOps(fuse_lowlevel_ops* ops);
void AddDirOps(fuse_lowlevel_ops* ops);
void AddXattrOps(fuse_lowlevel_ops* ops);
void AddLockOps(fuse_lowlevel_ops* ops);

// Takes the recorded locks again on a new connection (after a reconnect; the
// server's lock table starts empty). Locks that cannot be had are dropped
// with a warning.
void ReclaimLocks(MountContext& m, const Link& link);

}  // namespace zerofs::mount

namespace zerofs::mount {

// Runs f(client, fid) on the open handle's fid (re-opened after a reconnect).
template <typename F>
auto WithHandle(MountContext& m, Handle* h, F&& f)
    -> std::invoke_result_t<F, ninep::Client&, uint32_t> {
  return m.conn.Run([&](const Link& link) -> std::invoke_result_t<F, ninep::Client&, uint32_t> {
    auto fid = h->Fid(m.remote, link);
    if (!fid.ok()) return fid.error();
    return f(*link.client, *fid);
  });
}

// Runs f(client, fid) on node `node`: with the open handle `fi` when given,
// else with the node's kept fid (or one walked by its path), else (a file
// with no name left) with any open handle of the node.
template <typename F>
auto AtNode(fuse_req_t req, uint64_t node, const fuse_file_info* fi, F&& f)
    -> std::invoke_result_t<F, ninep::Client&, uint32_t> {
  using R = std::invoke_result_t<F, ninep::Client&, uint32_t>;
  MountContext& m = Ctx(req);
  if (fi != nullptr && fi->fh != 0) return WithHandle(m, HandleOf(fi), f);
  uint32_t uid = CallerUid(req);
  auto r = m.conn.Run([&](const Link& link) -> R {
    auto fid = m.remote.NodeFid(link, uid, node);
    if (!fid.ok()) return fid.error();
    return f(*link.client, (*fid)->fid());
  });
  if (r.ok() || r.error().sys_errno() != ENOENT) return r;
  if (auto h = m.handles.AnyOf(node)) return WithHandle(m, h.get(), f);
  return r;
}

}  // namespace zerofs::mount
