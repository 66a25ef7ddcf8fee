// Test harness: a TestEnv with the NBD server on 127.0.0.1:<free port> and
// a Unix socket, helpers to create exports through the filesystem, and
// libnbd handles connected to it.
#pragma once

#include <gtest/gtest.h>
#include <libnbd.h>

#include <memory>
#include <string>

#include "base/protocol_server.h"
#include "nbd/server.h"
#include "test_env.h"

namespace zerofs::nbd::testing {

// Owns a libnbd handle; closes it on destruction.
struct HandleCloser {
  void operator()(nbd_handle* h) const { nbd_close(h); }
};
using Handle = std::unique_ptr<nbd_handle, HandleCloser>;

class NbdServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void StartServer();
  void StopServer();
  // Stops the server, restarts the TestEnv (clean or as after a crash,
  // when only flushed data survives), starts a new server.
  void RestartAll(bool clean);

  fs::FileSystem* fs() { return env_->fs(); }
  fs::InodeId ExportsDir();
  // Creates (or resizes) /.nbd/<name> with `size` bytes; returns its inode.
  fs::InodeId MakeExport(const std::string& name, uint64_t size);

  // Waits (up to 5 s) until the filesystem has `n` open inodes: the server
  // releases an export's inode shortly after its connection ends.
  bool WaitForOpenInodes(size_t n);

  // A handle set up but not connected (structured replies as asked).
  Handle NewHandle(const std::string& export_name, bool structured = true);
  // Connected over TCP (or the Unix socket); fails the test on error.
  Handle Connect(const std::string& export_name, bool structured = true, bool unix_socket = false);
  // Connects a handle made by NewHandle; returns libnbd's result.
  int ConnectTcp(nbd_handle* h);

  // Used by the next StartServer.
  NbdLimits limits_;
  std::unique_ptr<zerofs::testing::TestEnv> env_;
  std::unique_ptr<ProtocolServer> server_;
  std::string port_;
  std::string socket_path_;
};

// Random bytes, deterministic per seed.
std::string RandomBytes(size_t n, uint32_t seed);

// The last libnbd error text, for assertion messages.
std::string NbdError();

}  // namespace zerofs::nbd::testing
