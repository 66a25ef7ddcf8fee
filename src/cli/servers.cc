#include "cli/servers.h"

#include <spdlog/spdlog.h>

namespace zerofs::cli {

Result<std::vector<RunningServer>> StartServers(const config::Config& config, fs::FileSystem* fs) {
  std::vector<RunningServer> running;
  auto not_built = [](const char* section) {
    spdlog::warn("[servers.{}] is configured but this build has no {} server yet; skipping",
                 section, section);
  };
  if (config.servers.nfs) not_built("nfs");
  if (config.servers.ninep) not_built("ninep");
  if (config.servers.nbd) not_built("nbd");
  if (config.servers.webui) not_built("webui");
  if (config.servers.metrics) not_built("metrics");
  return running;
}

}  // namespace zerofs::cli
