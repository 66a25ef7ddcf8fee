// Shared fixture for the 9P integration tests: a TestEnv, a 9P server on
// 127.0.0.1:0 and a Unix socket, clients from the project's client library,
// and a raw socket for sending malformed bytes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/protocol_server.h"
#include "ninep/client.h"
#include "ninep/server.h"
#include "test_env.h"

namespace zerofs::ninep {

class NinepTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void StartServer();
  void StopServer();

  // Connected and versioned, or the test fails. `zerofs`: asks for
  // 9P2000.L.zerofs (the extensions of docs/protocol/9p2000l.md).
  std::unique_ptr<Client> Connect(const std::string& address, uint32_t msize = 1u << 20,
                                  bool zerofs = false);
  std::unique_ptr<Client> ConnectTcp(uint32_t msize = 1u << 20, bool zerofs = false) {
    return Connect(tcp_, msize, zerofs);
  }
  std::unique_ptr<Client> ConnectUnix() { return Connect(unix_); }
  // Attaches a new fid as uid `uid` and returns it.
  uint32_t AttachAs(Client* c, uint32_t uid);

  // Creates `name` under the root (as root) with `data`, mode `mode`.
  void MakeFile(Client* c, uint32_t root, const std::string& name, const std::string& data,
                uint32_t mode = 0644);
  // Opens `name` under `root` with flags and returns the fid.
  Result<uint32_t> OpenPath(Client* c, uint32_t root, const std::vector<std::string>& path,
                            uint32_t flags);
  std::string ReadAll(Client* c, uint32_t fid);

  zerofs::testing::TestEnvOptions env_options_;  // read by SetUp
  std::unique_ptr<zerofs::testing::TestEnv> env_;
  NinepServerOptions options_;
  std::unique_ptr<ProtocolServer> server_;
  std::string tcp_;   // "127.0.0.1:port"
  std::string unix_;  // "unix:/path"
};

// A plain blocking socket for hand-made frames.
class RawConn {
 public:
  explicit RawConn(const std::string& address);
  ~RawConn();
  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // The next frame, or nullopt if the server closed the connection (or sent
  // nothing within `timeout_ms`).
  std::optional<std::string> ReadFrame(int timeout_ms = 5000);
  // True if the server closes the connection within `timeout_ms`.
  bool WaitClosed(int timeout_ms = 5000);
  // Tversion with `msize`; returns the decoded Rversion/Rlerror.
  std::optional<Response> Version(uint32_t msize, const std::string& version = "9P2000.L");

 private:
  int fd_ = -1;
  std::string keep_;  // owns the last frame (Response views point into it)
};

}  // namespace zerofs::ninep
