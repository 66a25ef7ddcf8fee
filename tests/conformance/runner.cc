#include "runner.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "case.h"

namespace zerofs::conformance {
namespace {

const Cred kRootCred{0, 0, {}};

// Removes path and everything below it as root. Directories are made
// searchable first so a case that chmod'ed one to 0 cannot block cleanup.
int RemoveTree(Ops& ops, const std::string& path) {
  Stat st;
  int r = ops.lstat(kRootCred, path, &st);
  if (r < 0) return r == -ENOENT ? 0 : r;
  if (!S_ISDIR(st.mode)) return ops.unlink(kRootCred, path);
  ops.chmod(kRootCred, path, 0700);
  std::vector<std::string> names;
  if ((r = ops.readdir(kRootCred, path, &names)) < 0) return r;
  for (const std::string& name : names) {
    if ((r = RemoveTree(ops, path + "/" + name)) < 0) return r;
  }
  return ops.rmdir(kRootCred, path);
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

}  // namespace

void ListConformance(const RunOptions& options) {
  for (const Case& c : AllCases()) {
    std::string title = std::string(c.topic) + ": " + c.rule;
    if (!options.filter.empty() && title.find(options.filter) == std::string::npos) continue;
    std::string needs = c.needs.empty() ? "" : "  [needs " + Join(c.needs) + "]";
    std::printf("%s%s\n", title.c_str(), needs.c_str());
  }
}

int RunConformance(Ops& ops, const RunOptions& options) {
  if (options.list) {
    ListConformance(options);
    return 0;
  }
  Features features = ops.features();
  for (const auto& f : options.enable) features.names.insert(f);
  for (const auto& f : options.disable) features.names.erase(f);
  if (options.slow) features.names.insert(kSlow);

  std::vector<std::string> on, off;
  for (const char* f : kAllFeatures) (features.names.count(f) ? on : off).push_back(f);
  std::printf("features on: %s\nfeatures off: %s\n", Join(on).c_str(), Join(off).c_str());

  int passed = 0, failed = 0, skipped = 0, index = 0;
  std::map<std::string, int> skipped_by;
  for (const Case& c : AllCases()) {
    std::string title = std::string(c.topic) + ": " + c.rule;
    if (!options.filter.empty() && title.find(options.filter) == std::string::npos) continue;
    auto missing = std::find_if(c.needs.begin(), c.needs.end(),
                                [&](const std::string& f) { return !features.names.count(f); });
    if (missing != c.needs.end()) {
      ++skipped;
      ++skipped_by[*missing];
      if (options.verbose) std::printf("SKIP %s (needs %s)\n", title.c_str(), missing->c_str());
      continue;
    }

    std::string base = "case-" + std::to_string(++index);
    RemoveTree(ops, base);
    int r = ops.mkdir(kRootCred, base, 0777);
    if (r == 0) r = ops.chmod(kRootCred, base, 0777);  // no umask even on odd backends
    if (r < 0) {
      ++failed;
      std::printf("FAIL %s: cannot create case directory: %d\n", title.c_str(), r);
      continue;
    }
    Ctx ctx(ops, features, base);
    c.fn(ctx);
    int cleanup = RemoveTree(ops, base);
    if (ctx.failed()) {
      ++failed;
      std::printf("FAIL %s\n     %s\n", title.c_str(), ctx.message().c_str());
    } else if (cleanup < 0) {
      ++failed;
      std::printf("FAIL %s\n     cleanup of %s failed: errno %d\n", title.c_str(), base.c_str(),
                  -cleanup);
    } else {
      ++passed;
      if (options.verbose) std::printf("ok   %s\n", title.c_str());
    }
    std::fflush(stdout);
  }
  if (!skipped_by.empty()) {
    std::string s;
    for (const auto& [f, n] : skipped_by)
      s += (s.empty() ? "" : ", ") + f + "=" + std::to_string(n);
    std::printf("skipped for missing features: %s\n", s.c_str());
  }
  std::printf("conformance: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed == 0 ? 0 : 1;
}

}  // namespace zerofs::conformance
