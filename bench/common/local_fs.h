// The fs core on a file:// store in a directory of its own, for the
// in-process benchmarks of bench/fs: what each of them opened by hand.
// Header-only.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "common/check.h"
#include "engine/engine.h"
#include "fs/filesystem.h"
#include "objstore/local_store.h"

namespace zerofs::bench {

// A fresh directory name under the system's temp directory, unique to this
// process: zerofs-bench-NAME-PID.
inline std::string TempBenchDir(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("zerofs-bench-" + name + "-" + std::to_string(getpid())))
      .string();
}

inline double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// An engine (store in DIR/store, index in DIR/index) and a FileSystem on
// it; dies with a message on any error. Close() (or the destructor) closes
// both; the directory stays for the caller to remove.
class LocalFs {
 public:
  // periodic = false: no timed flushes or snapshots during the measurement.
  explicit LocalFs(const std::string& dir, fs::FsOptions fs_options = {}, bool periodic = true) {
    engine::EngineOptions eo;
    eo.store = Check(objstore::LocalStore::Open(dir + "/store"), "open store");
    eo.password = "bench";
    eo.local_dir = dir + "/index";
    eo.kdf = crypto::KdfParams::Interactive();
    if (!periodic) {
      eo.flush_interval = std::chrono::milliseconds(0);
      eo.snapshot_interval = std::chrono::milliseconds(0);
    }
    engine_ = Check(engine::Engine::Open(std::move(eo)), "open engine");
    fs_ = Check(fs::FileSystem::Open(engine_.get(), std::move(fs_options)), "open fs");
  }
  ~LocalFs() { Close(); }
  LocalFs(const LocalFs&) = delete;
  LocalFs& operator=(const LocalFs&) = delete;

  engine::Engine* engine() const { return engine_.get(); }
  fs::FileSystem* fs() const { return fs_.get(); }

  void Close() {
    fs_.reset();
    if (engine_) Check(engine_->Close(), "close engine");
    engine_.reset();
  }

 private:
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<fs::FileSystem> fs_;
};

}  // namespace zerofs::bench
