#include "cli/servers.h"

#include <spdlog/spdlog.h>

#include "nfs/server.h"

namespace zerofs::cli {

namespace {

Error StopAll(std::vector<RunningServer>* running, const Error& error) {
  for (auto& s : *running) s.server->Stop();
  running->clear();
  return error;
}

}  // namespace

Result<std::vector<RunningServer>> StartServers(const config::Config& config, fs::FileSystem* fs) {
  std::vector<RunningServer> running;
  auto not_built = [](const char* section) {
    spdlog::warn("[servers.{}] is configured but this build has no {} server yet; skipping",
                 section, section);
  };
  if (config.servers.nfs) {
    auto nfs = nfs::StartNfsServer(fs, nfs::NfsServerOptionsFromConfig(*config.servers.nfs));
    if (!nfs.ok()) return StopAll(&running, nfs.error());
    running.push_back({"nfs", std::move(*nfs)});
  }
  if (config.servers.ninep) not_built("ninep");
  if (config.servers.nbd) not_built("nbd");
  if (config.servers.webui) not_built("webui");
  if (config.servers.metrics) not_built("metrics");
  return running;
}

}  // namespace zerofs::cli
