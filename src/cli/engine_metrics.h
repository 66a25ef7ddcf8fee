// Reports the engine's and the filesystem's own statistics (EngineStats,
// statfs) to the process metrics at scrape time, for as long as it lives.
#pragma once

#include <cstdint>

#include "base/metrics.h"
#include "engine/engine.h"
#include "fs/filesystem.h"

namespace zerofs::cli {

class EngineMetrics {
 public:
  // REQUIRES: `engine` and `fs` outlive this object.
  EngineMetrics(engine::Engine* engine, fs::FileSystem* fs,
                metrics::Registry* registry = &metrics::Registry::Global());
  ~EngineMetrics();
  EngineMetrics(const EngineMetrics&) = delete;
  EngineMetrics& operator=(const EngineMetrics&) = delete;

 private:
  metrics::Registry* const registry_;
  const uint64_t id_;
};

}  // namespace zerofs::cli
