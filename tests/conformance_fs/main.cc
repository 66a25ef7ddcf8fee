// zerofs-conformance-fs: the conformance suite against the fs core in
// process, on a real engine over a LocalStore in a temporary directory (or
// on S3 with ZEROFS_TEST_STORE=s3, see tests/support/test_store.h).
//
//   zerofs-conformance-fs [--filter SUBSTR] [--list] [--slow] [--verbose]
//                         [--features a,b,-c]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/engine.h"
#include "fs/filesystem.h"
#include "fs/fsck_tree.h"
#include "fs_ops.h"
#include "runner.h"
#include "test_store.h"

namespace {

void ParseFeatures(const std::string& list, zerofs::conformance::RunOptions* o) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string f = list.substr(start, end - start);
    if (!f.empty() && f[0] == '-') {
      o->disable.push_back(f.substr(1));
    } else if (!f.empty()) {
      o->enable.push_back(f[0] == '+' ? f.substr(1) : f);
    }
    start = end + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zerofs;
  conformance::RunOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--filter" && i + 1 < argc) {
      options.filter = argv[++i];
    } else if (a == "--features" && i + 1 < argc) {
      ParseFeatures(argv[++i], &options);
    } else if (a == "--list") {
      options.list = true;
    } else if (a == "--slow") {
      options.slow = true;
    } else if (a == "--verbose" || a == "-v") {
      options.verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: zerofs-conformance-fs [--filter SUBSTR] [--list] [--slow]\n"
                   "                             [--verbose] [--features a,b,-c]\n");
      return 2;
    }
  }
  if (options.list) {
    conformance::ListConformance(options);
    return 0;
  }

  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/zerofs-conformance-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return 2;
  const std::string dir = pattern;
  int rc = 2;
  testing::TestStore test_store(dir + "/bucket");
  {
    auto store = test_store.Open();
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
      return 2;
    }
    engine::EngineOptions eo;
    eo.store = *store;
    eo.password = "conformance";
    eo.local_dir = dir + "/local";
    eo.kdf = crypto::KdfParams::Interactive();
    eo.flush_interval = std::chrono::milliseconds(0);
    auto engine = engine::Engine::Open(std::move(eo));
    if (!engine.ok()) {
      std::fprintf(stderr, "%s\n", engine.error().ToString().c_str());
      return 2;
    }
    fs::FsOptions fo;
    fo.root_mode = 0777;
    auto filesystem = fs::FileSystem::Open(engine->get(), fo);
    if (!filesystem.ok()) {
      std::fprintf(stderr, "%s\n", filesystem.error().ToString().c_str());
      return 2;
    }
    conformance_fs::FsOps ops(filesystem->get());
    rc = conformance::RunConformance(ops, options);
    auto report = fs::CheckConsistency(engine->get());
    if (!report.ok() || !report->ok()) {
      std::printf("fsck after the run: %s\n",
                  report.ok() ? report->ToString().c_str() : report.error().ToString().c_str());
      rc = 1;
    }
    filesystem->reset();
    (*engine)->Close().Ignore();
  }
  test_store.Destroy();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
}
