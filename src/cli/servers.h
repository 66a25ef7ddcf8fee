// Starts every protocol server the config names ([servers.nfs], .ninep,
// .nbd, ...) on one filesystem. A section that is absent starts nothing.
#pragma once

#include <memory>
#include <vector>

#include "base/protocol_server.h"
#include "base/result.h"
#include "config/config.h"
#include "fs/filesystem.h"

namespace zerofs::cli {

struct RunningServer {
  std::string protocol;  // "nfs", "9p", "nbd"
  std::unique_ptr<ProtocolServer> server;
};

// Starts them in order; if one fails to start, the ones already started are
// stopped and the error (naming the protocol and address) is returned.
Result<std::vector<RunningServer>> StartServers(const config::Config& config, fs::FileSystem* fs);

}  // namespace zerofs::cli
