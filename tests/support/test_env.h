// A complete ZeroFS stack for tests, in-process: a fresh temporary directory
// holding a file:// store and the local index, an engine and a filesystem on
// it. ZEROFS_TEST_STORE=s3 puts the store on S3 instead (test_store.h). Protocol tests start their
// server on fs() and talk to it with real clients (libnfs, libnbd, the 9P client).
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "fs/filesystem.h"
#include "objstore/object_store.h"
#include "test_store.h"

namespace zerofs::testing {

struct TestEnvOptions {
  std::string password = "test-password";
  uint64_t segment_bytes = 4ull << 20;
  // 0 keeps the periodic flush off, so tests decide when data is durable.
  int flush_interval_ms = 0;
  crypto::Codec codec = crypto::Codec::kZstd;
  fs::FsOptions fs_options;
};

class TestEnv {
 public:
  // Aborts the test binary with a message if the stack cannot be opened.
  static std::unique_ptr<TestEnv> Create(TestEnvOptions options = {});
  ~TestEnv();  // closes everything and removes the directory

  fs::FileSystem* fs() { return fs_.get(); }
  engine::Engine* engine() { return engine_.get(); }
  objstore::ObjectStore* store() { return store_.get(); }
  // Root of the temporary directory; the store is under dir()/store (when
  // it is a local one).
  const std::string& dir() const { return dir_; }
  std::string store_dir() const { return dir_ + "/store"; }
  std::string index_dir() const { return dir_ + "/index"; }

  // Simulates a server restart on the same store: with clean = true the
  // engine is closed (flush + snapshot); with clean = false it is dropped
  // without a flush, as if the process had been killed (only flushed data
  // survives). Pointers from fs()/engine() are invalid afterwards.
  void Restart(bool clean = true);

 private:
  explicit TestEnv(TestEnvOptions options);
  void OpenStack();
  void CloseStack(bool clean);

  TestEnvOptions options_;
  std::string dir_;
  std::unique_ptr<TestStore> test_store_;
  std::shared_ptr<objstore::ObjectStore> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<fs::FileSystem> fs_;
};

}  // namespace zerofs::testing
