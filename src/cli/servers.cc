#include "cli/servers.h"

#include <spdlog/spdlog.h>

#include "nbd/server.h"
#include "net/metrics_server.h"
#include "nfs/server.h"
#include "ninep/server.h"

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
  if (config.servers.ninep) {
    ninep::NinepServerOptions o;
    o.addresses = config.servers.ninep->addresses;
    o.unix_socket = config.servers.ninep->unix_socket;
    auto ninep = ninep::StartNinepServer(fs, o);
    if (!ninep.ok()) return StopAll(&running, ninep.error());
    running.push_back({"9p", std::move(*ninep)});
  }
  if (config.servers.nbd) {
    nbd::NbdServerOptions o;
    o.listen.tcp = config.servers.nbd->addresses;
    o.listen.unix_socket = config.servers.nbd->unix_socket;
    o.limits.busy_poll = std::chrono::microseconds(config.servers.nbd->busy_poll_us);
    auto nbd = nbd::StartNbdServer(fs, o);
    if (!nbd.ok()) return StopAll(&running, nbd.error());
    running.push_back({"nbd", std::move(*nbd)});
  }
  if (config.servers.webui) not_built("webui");
  if (config.servers.metrics) {
    net::ListenSpec spec;
    spec.tcp = config.servers.metrics->addresses;
    auto metrics = net::StartMetricsServer(spec);
    if (!metrics.ok()) return StopAll(&running, metrics.error());
    running.push_back({"metrics", std::move(*metrics)});
  }
  return running;
}

}  // namespace zerofs::cli
