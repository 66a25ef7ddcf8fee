#include "case.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "check.h"

namespace zerofs::conformance {
namespace {

// Function-local so registration from other translation units' static
// initialisers never sees an unconstructed vector.
std::vector<Case>& Registry() {
  static std::vector<Case> cases;
  return cases;
}

}  // namespace

bool RegisterCase(Case c) {
  Registry().push_back(std::move(c));
  return true;
}

std::vector<Case> AllCases() {
  std::vector<Case> cases = Registry();
  std::stable_sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) {
    int topic = std::strcmp(a.topic, b.topic);
    if (topic != 0) return topic < 0;
    int file = std::strcmp(a.file, b.file);
    if (file != 0) return file < 0;
    return a.line < b.line;
  });
  return cases;
}

Ctx::Ctx(Ops& ops, const Features& features, const std::string& base)
    : ops(ops),
      features(features),
      root(ops, Cred{0, 0, {}}, base),
      u1(ops, Cred{kU1, kG1, {kG1, kGShared}}, base),
      u2(ops, Cred{kU2, kG2, {kG2}}, base) {}

void Ctx::Tick() const {
  std::this_thread::sleep_for(std::chrono::nanoseconds(features.time_granularity_ns));
}

void Ctx::Fail(const char* file, int line, const std::string& message) {
  if (failed_) return;
  failed_ = true;
  const char* slash = std::strrchr(file, '/');
  message_ = std::string(slash ? slash + 1 : file) + ":" + std::to_string(line) + ": " + message;
}

std::string ErrName(int64_t err) {
  const char* name = err > 0 && err < 4096 ? strerrorname_np(static_cast<int>(err)) : nullptr;
  return name ? name : "errno " + std::to_string(err);
}

std::string ResultName(int64_t r) {
  return r < 0 ? ErrName(-r) : "success (" + std::to_string(r) + ")";
}

}  // namespace zerofs::conformance
