// Fids for nodes (kept ones, or walked by path from the caller's root): what
// the FUSE operations call, inside Connection::Run's reconnect retry.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "mount/cached_fid.h"
#include "mount/connection.h"
#include "mount/node_table.h"
#include "ninep/client.h"

namespace zerofs::mount {

// Clunks a walked fid when the operation is over (without waiting for the
// reply: nothing depends on it).
class FidGuard {
 public:
  FidGuard(ninep::Client* client, uint32_t fid) : client_(client), fid_(fid) {}
  ~FidGuard() {
    if (client_ != nullptr) client_->ClunkNoWait(fid_);
  }
  FidGuard(const FidGuard&) = delete;
  FidGuard& operator=(const FidGuard&) = delete;
  // The fid now belongs to someone else (an open handle).
  uint32_t Release() {
    client_ = nullptr;
    return fid_;
  }

 private:
  ninep::Client* client_;
  uint32_t fid_;
};

class Remote {
 public:
  Remote(Connection* conn, NodeTable* nodes) : conn_(conn), nodes_(nodes) {}

  Connection& conn() { return *conn_; }
  NodeTable& nodes() { return *nodes_; }

  // A fresh fid for `path` (relative to the root, "" = root) walked from
  // `uid`'s root on `link`. The caller clunks it (FidGuard).
  Result<uint32_t> WalkPath(const Link& link, uint32_t uid, const std::string& path);

  // A fid naming `node` for `uid` on `link`: the uid's root fid, the fid
  // kept for the node, or (then kept) one walked along the node's path. The
  // caller must not change what it names (Tlopen, Tlcreate, walk to self):
  // clone it with a zero-name walk for that.
  Result<FidRef> NodeFid(const Link& link, uint32_t uid, uint64_t node);
  // A fid the caller walked on `link`, to keep for a node or to clunk
  // (without waiting) when the last reference goes.
  static FidRef Own(const Link& link, uint32_t uid, uint32_t fid) {
    return std::make_shared<CachedFid>(link.client, link.generation, uid, fid);
  }

 private:
  Connection* conn_;
  NodeTable* nodes_;
};

}  // namespace zerofs::mount
