// What the mount knows of whole directories, so that a lookup of a name
// that is not there needs no round trip to the server.
//
// Why: before every creation (create, mkdir, mknod, symlink, link, rename)
// the kernel looks the new name up, and for a new name that lookup is a
// walk that fails: a third of a mkdir's time. A directory this mount has
// just created is empty; as long as only this mount changes it, the mount
// knows every name in it.
//
// Rules (the callers in ops_*.cc follow them):
//  - A directory is known from the moment its Tmkdir was sent (KnowEmpty,
//    with the time taken before sending) for `ttl` (negative_timeout): a
//    name another client creates in it shows within ttl, as with the
//    kernel's own negative entries.
//  - This mount's own changes keep the known names up to date (Added,
//    Removed) before the kernel gets their reply; a change whose outcome is
//    unsure (an error) forgets the directory.
//  - A reconnect forgets everything (Clear).
// Only absence is answered from here (KnownMissing); a name that is there
// is still looked up on the server (its attributes, its fid).
//
// Bounded: at most `max_names` names in all; past that everything is
// forgotten.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace zerofs::mount {

inline constexpr size_t kMaxKnownNames = 1 << 20;

class DirNames {
 public:
  using Clock = std::chrono::steady_clock;

  // `ttl_s` <= 0: off (nothing is known).
  explicit DirNames(double ttl_s, size_t max_names = kMaxKnownNames,
                    std::function<Clock::time_point()> clock = Clock::now);

  bool enabled() const { return enabled_; }
  Clock::time_point Now() const { return clock_(); }

  // `dir` was empty at `since` (when its creation was sent).
  void KnowEmpty(uint64_t dir, Clock::time_point since);
  // If `dir` is known and `name` is not in it: for how many more seconds
  // that holds (what the kernel may keep the negative entry for).
  std::optional<double> KnownMissing(uint64_t dir, std::string_view name);
  // This mount created or moved `name` into `dir` / removed or moved it out.
  void Added(uint64_t dir, std::string_view name);
  void Removed(uint64_t dir, std::string_view name);
  // `dir`'s names are no longer known (an error left them unsure, or it was
  // removed).
  void Forget(uint64_t dir);
  void Clear();

  // Directories and names held, for tests.
  size_t dirs();
  size_t names();

 private:
  struct Dir {
    Clock::time_point expires;
    std::unordered_set<std::string> names;
  };
  // The known, unexpired record of `dir`, else null (expired ones go).
  Dir* FindLocked(uint64_t dir, Clock::time_point now);
  void ForgetLocked(uint64_t dir);

  const bool enabled_;
  const Clock::duration ttl_;
  const size_t max_names_;
  const std::function<Clock::time_point()> clock_;

  std::mutex mu_;
  std::unordered_map<uint64_t, Dir> dirs_;  // guarded by mu_
  size_t names_ = 0;                        // guarded by mu_: sum of dirs_' names
};

}  // namespace zerofs::mount
