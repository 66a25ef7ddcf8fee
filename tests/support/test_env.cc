#include "test_env.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "crypto/key_file.h"

namespace zerofs::testing {

namespace {

[[noreturn]] void Die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "TestEnv: %s: %s\n", what.c_str(), e.ToString().c_str());
  std::abort();
}

}  // namespace

TestEnv::TestEnv(TestEnvOptions options) : options_(std::move(options)) {}

std::unique_ptr<TestEnv> TestEnv::Create(TestEnvOptions options) {
  std::unique_ptr<TestEnv> env(new TestEnv(std::move(options)));
  std::string tmpl = (std::filesystem::temp_directory_path() / "zerofs-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("TestEnv: mkdtemp");
    std::abort();
  }
  env->dir_ = tmpl;
  env->OpenStack();
  return env;
}

TestEnv::~TestEnv() {
  CloseStack(true);
  if (test_store_) test_store_->Destroy();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestEnv::OpenStack() {
  if (!test_store_) test_store_ = std::make_unique<TestStore>(store_dir());
  auto store = test_store_->Open();
  if (!store.ok()) Die("open store", store.error());
  store_ = *store;

  engine::EngineOptions eo;
  eo.store = store_;
  eo.password = options_.password;
  eo.local_dir = index_dir();
  eo.codec = options_.codec;
  eo.segment_bytes = options_.segment_bytes;
  eo.flush_interval = std::chrono::milliseconds(options_.flush_interval_ms);
  eo.snapshot_interval = std::chrono::milliseconds(0);
  eo.kdf = crypto::KdfParams::Interactive();
  // Dropping the engine without Close() is how Restart(false) simulates a
  // crash; CloseStack(true) closes explicitly.
  eo.test_skip_close_on_destroy = true;
  auto engine = engine::Engine::Open(std::move(eo));
  if (!engine.ok()) Die("open engine", engine.error());
  engine_ = std::move(*engine);

  auto fs = fs::FileSystem::Open(engine_.get(), options_.fs_options);
  if (!fs.ok()) Die("open filesystem", fs.error());
  fs_ = std::move(*fs);
}

void TestEnv::CloseStack(bool clean) {
  fs_.reset();
  if (engine_ && clean) {
    Status s = engine_->Close();
    if (!s.ok()) std::fprintf(stderr, "TestEnv: close: %s\n", s.error().ToString().c_str());
  }
  engine_.reset();
  store_.reset();
}

void TestEnv::Restart(bool clean) {
  CloseStack(clean);
  OpenStack();
}

}  // namespace zerofs::testing
