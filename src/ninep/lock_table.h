// POSIX byte-range locks (fcntl F_SETLK/F_GETLK semantics) for 9P Tlock and
// Tgetlock. One table serves the whole server: every listener and every
// connection, so two clients on different sockets see each other's locks.
//
// Semantics:
//  - An owner is (client_id, proc_id) as the client sends them. An owner's
//    own locks never conflict with each other: a new lock replaces whatever
//    the owner held on the range (upgrade/downgrade), splitting older ranges
//    and merging adjacent or overlapping ranges of the same type.
//  - Read locks of different owners coexist; a write lock conflicts with
//    any other owner's lock that overlaps it.
//  - Non-blocking: a conflicting request changes nothing and reports
//    blocked; 9P clients poll (the Linux client retries on LOCK_BLOCKED).
//  - Ranges are inclusive [start, end]; end == kToEof means "to the end of
//    the file, however large it grows" (9P length 0).
//  - Each lock remembers the connection (session id) that last set it, so a
//    closed connection drops its locks (ReleaseSession).
// Thread-safe (one mutex; lock traffic is light next to data traffic).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "fs/filesystem.h"

namespace zerofs::ninep {

enum class LockKind : uint8_t { kRead, kWrite, kUnlock };

struct LockOwner {
  std::string client_id;
  uint32_t proc_id = 0;
  friend bool operator==(const LockOwner&, const LockOwner&) = default;
};

struct HeldLock {
  LockKind kind = LockKind::kRead;  // kRead or kWrite
  uint64_t start = 0;
  uint64_t end = 0;  // inclusive
  LockOwner owner;
  uint64_t session = 0;
  friend bool operator==(const HeldLock&, const HeldLock&) = default;
};

class LockTable {
 public:
  static constexpr uint64_t kToEof = UINT64_MAX;

  // 9P (start, length) to an inclusive range: length 0 is "to EOF"; a range
  // that would pass 2^64-1 is EINVAL.
  static Result<uint64_t> EndOf(uint64_t start, uint64_t length);
  // Inclusive end back to a 9P length (0 for kToEof).
  static uint64_t LengthOf(uint64_t start, uint64_t end);

  // Sets (kRead/kWrite) or clears (kUnlock) the range for `owner`. Returns
  // false, changing nothing, if another owner holds a conflicting lock.
  // Unlock always succeeds. REQUIRES: start <= end.
  bool SetLock(fs::InodeId ino, const LockOwner& owner, uint64_t session, LockKind kind,
               uint64_t start, uint64_t end);

  // The first lock of another owner that would block `kind` on the range,
  // or nullopt if SetLock would succeed.
  std::optional<HeldLock> TestLock(fs::InodeId ino, const LockOwner& owner, LockKind kind,
                                   uint64_t start, uint64_t end) const;

  // Drops every lock last set through `session` (a closed connection).
  void ReleaseSession(uint64_t session);

  // The locks on `ino`, ordered by start (for tests and debugging).
  std::vector<HeldLock> LocksOn(fs::InodeId ino) const;

 private:
  static bool Conflicts(const HeldLock& held, const LockOwner& owner, LockKind kind, uint64_t start,
                        uint64_t end);

  mutable std::mutex mu_;
  std::map<fs::InodeId, std::vector<HeldLock>> locks_;  // guarded by mu_
};

}  // namespace zerofs::ninep
