// Case registration and the per-case context.
//
//   CASE("rename", "dir onto non-empty dir gives ENOTEMPTY or EEXIST") { ... }
//   CASE("perm", "sticky dir: non-owner cannot unlink", kFeatRoot) { ... }
//
// The body receives `t` (a Ctx): t.root, t.u1 and t.u2 are Actors working in
// a fresh directory that the runner creates (mode 0777, owned by root) before
// the case and removes after it. Checks live in check.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actor.h"
#include "feature_names.h"
#include "ops.h"

namespace zerofs::conformance {

// Identities used by the cases. u1 is also a member of kGShared; u2 is not.
inline constexpr uint32_t kU1 = 1001;
inline constexpr uint32_t kG1 = 1001;
inline constexpr uint32_t kU2 = 1002;
inline constexpr uint32_t kG2 = 1002;
inline constexpr uint32_t kGShared = 3000;

// Pseudo-feature: the case is slow and runs only with --slow.
inline constexpr char kSlow[] = "slow";

class Ctx {
 public:
  Ctx(Ops& ops, const Features& features, const std::string& base);

  Ops& ops;
  const Features& features;
  Actor root;
  Actor u1;
  Actor u2;

  // Waits long enough that the next change gets a strictly later timestamp.
  void Tick() const;

  void Fail(const char* file, int line, const std::string& message);
  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }

 private:
  bool failed_ = false;
  std::string message_;
};

struct Case {
  const char* topic;
  const char* rule;
  std::vector<std::string> needs;  // feature names, plus kSlow
  const char* file;
  int line;
  void (*fn)(Ctx&);
};

// Adds c to the global list; returns true so it can initialise a static.
bool RegisterCase(Case c);
// Every registered case, ordered by topic, then file and line.
std::vector<Case> AllCases();

}  // namespace zerofs::conformance

#define CONF_CAT2_(a, b) a##b
#define CONF_CAT_(a, b) CONF_CAT2_(a, b)

#define CASE(topic, rule, ...)                                                                \
  static void CONF_CAT_(ConfCase_, __LINE__)(::zerofs::conformance::Ctx & t);                 \
  [[maybe_unused]] static const bool CONF_CAT_(conf_registered_, __LINE__) =                  \
      ::zerofs::conformance::RegisterCase(                                                    \
          {topic, rule, {__VA_ARGS__}, __FILE__, __LINE__, &CONF_CAT_(ConfCase_, __LINE__)}); \
  static void CONF_CAT_(ConfCase_, __LINE__)([[maybe_unused]] ::zerofs::conformance::Ctx & t)
