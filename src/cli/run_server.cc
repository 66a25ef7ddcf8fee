// `zerofs run -c FILE`: opens the store, serves it over every configured
// protocol, and on SIGINT/SIGTERM stops the servers, flushes, snapshots and
// exits 0 (a second signal meanwhile exits 1 at once: shutdown_guard.h).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "base/version.h"
#include "cli/commands.h"
#include "cli/engine_metrics.h"
#include "cli/open_store.h"
#include "cli/report.h"
#include "cli/servers.h"
#include "cli/shutdown_guard.h"
#include "engine/engine.h"
#include "fs/filesystem.h"

namespace zerofs::cli {

int RunServer(const config::Config& config) {
  // Block the stop signals before any thread starts, so every thread inherits
  // the mask and only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server

  if (config.replication.mode != config::ReplicationMode::kWriter) {
    return ReportError(std::string("replication.mode = \"") +
                       config::ReplicationModeName(config.replication.mode) +
                       "\" is not available in this build yet (use \"writer\")");
  }

  auto store = OpenConfiguredStore(config);
  if (!store.ok()) return ReportError(store.error());
  auto engine = engine::Engine::Open(EngineOptionsFor(config, *store));
  if (!engine.ok()) return ReportError(engine.error());
  spdlog::info("zerofs {} serving {}", kVersion, config.storage.url);

  fs::FsOptions fs_options;
  fs_options.max_bytes = config::GibToBytes(config.filesystem.max_size_gb);
  fs_options.write_buffer_bytes = config.filesystem.write_buffer_mb << 20;
  fs_options.reconnect_grace = std::chrono::seconds(config.filesystem.reconnect_grace_secs);
  auto fs = fs::FileSystem::Open(engine->get(), fs_options);
  if (!fs.ok()) {
    (*engine)->Close().Ignore();
    return ReportError(fs.error());
  }

  auto engine_metrics = std::make_unique<EngineMetrics>(engine->get(), fs->get());
  auto servers = StartServers(config, fs->get());
  if (!servers.ok()) {
    fs->reset();
    (*engine)->Close().Ignore();
    return ReportError(servers.error());
  }
  for (const auto& s : *servers) {
    for (const auto& ep : s.server->Endpoints()) spdlog::info("{} listening on {}", s.protocol, ep);
  }
  spdlog::info("ready; stop with Ctrl-C or SIGTERM");

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}, stopping (again to exit without flushing)",
               sig == SIGINT ? "SIGINT" : "SIGTERM");

  Status closed = OkStatus();
  {
    ShutdownGuard guard(stop_signals, std::chrono::seconds(10));
    for (auto& s : *servers) s.server->Stop();
    servers->clear();
    engine_metrics.reset();
    fs->reset();
    closed = (*engine)->Close();  // flush + snapshot
  }
  if (!closed.ok()) return ReportError(closed.error().Wrap("final flush failed"));
  spdlog::info("all data flushed to {}; bye", config.storage.url);
  return kExitOk;
}

}  // namespace zerofs::cli
