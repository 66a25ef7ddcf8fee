// Test harness: a TestEnv with an NFS server on 127.0.0.1:<free port>, a
// libnfs high-level mount, and a raw libnfs RPC client for procedures the
// high-level API does not expose.
#pragma once

#include <gtest/gtest.h>

// libnfs.h defines EXTERN for the headers after it, so their order matters.
// clang-format off
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>
#include <nfsc/libnfs-raw-portmap.h>
// clang-format on

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nfs/server.h"
#include "test_env.h"

namespace zerofs::nfs::testing {

// A connected libnfs rpc_context used synchronously.
class RawClient {
 public:
  // Connects to 127.0.0.1:port with AUTH_SYS uid/gid.
  static std::unique_ptr<RawClient> Connect(int port, uint32_t uid = 0, uint32_t gid = 0);
  ~RawClient();

  rpc_context* rpc() { return rpc_; }

  // Runs one async call: `start(rpc, cb, private)` queues it; the reply
  // (libnfs-decoded) is passed to `on_reply`. Returns the rpc status.
  int Call(const std::function<int(rpc_context*, rpc_cb, void*)>& start,
           const std::function<void(void*)>& on_reply);

  // MOUNT MNT "/" -> root handle bytes.
  std::string MountRoot();
  // LOOKUP; empty string on failure (status in *status).
  std::string Lookup(const std::string& dir, const std::string& name, int* status = nullptr);

 private:
  rpc_context* rpc_ = nullptr;
};

// nfs_fh3 view of handle bytes (valid while `bytes` lives).
nfs_fh3 Fh3(std::string& bytes);

// Directory entries copied out of libnfs's decoded lists. libnfs packs list
// nodes at 4-byte alignment, which UBSan flags on every access, so the
// walkers are exempt from the alignment check.
struct RawDirEntry {
  uint64_t fileid = 0;
  std::string name;
  uint64_t cookie = 0;
  bool has_attr = false;
  uint64_t attr_fileid = 0;
  bool has_handle = false;
};
std::vector<RawDirEntry> CopyEntries(const entry3* e);
std::vector<RawDirEntry> CopyEntries(const entryplus3* e);

class NfsServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void StartServer(config::NfsWriteMode mode = config::NfsWriteMode::kSync);
  void StopServer();
  // Stops the server, restarts the TestEnv (clean), starts a new server.
  void RestartAll(bool clean = true);

  // libnfs high-level context mounted on "/" with the given identity.
  nfs_context* Mount(int uid = 0, int gid = 0);

  std::unique_ptr<zerofs::testing::TestEnv> env_;
  std::unique_ptr<ProtocolServer> server_;
  int port_ = 0;
  std::vector<nfs_context*> mounts_;
};

}  // namespace zerofs::nfs::testing
