// The three RPC programs served on the NFS port: portmapper v2 (so that
// mount.nfs finds NFS and MOUNT without rpcbind), MOUNT v3 and NFS v3.
// Each handler appends the procedure's result to `res` and returns the
// accept_stat of the reply; for anything but kSuccess, `res` is discarded.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nfs/nfs3_proc.h"
#include "nfs/rpc.h"

namespace zerofs::nfs {

// What a call knows about its connection.
struct ConnectionInfo {
  uint16_t local_port = 0;  // the port the call arrived on
  std::string client_host;  // peer address, for MOUNT DUMP
};

// Clients that mounted, for MOUNT DUMP (advisory, as in RFC 1813).
class MountTable {
 public:
  void Add(const std::string& host, std::string_view path);
  void Remove(const std::string& host, std::string_view path);
  void RemoveHost(const std::string& host);
  std::vector<std::pair<std::string, std::string>> List() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> mounts_;  // guarded by mu_
};

AcceptStat HandlePortmap(const CallHeader& call, std::string_view args, const ConnectionInfo& conn,
                         XdrEncoder* res);
AcceptStat HandleMount(const CallHeader& call, std::string_view args, const ConnectionInfo& conn,
                       const ServerState& server, MountTable* mounts, XdrEncoder* res);
// With `would_block`, runs in cached-only mode (see NfsCall; `idle` too).
AcceptStat HandleNfs3(const CallHeader& call, std::string_view args, const ServerState& server,
                      XdrEncoder* res, bool* would_block = nullptr, bool idle = false);

const char* Nfs3ProcName(uint32_t proc);

}  // namespace zerofs::nfs
