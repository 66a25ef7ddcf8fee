// The POSIX locks this mount holds on the server, so that they can be taken
// again after a reconnect (a restarted server starts with an empty lock
// table; without this, a process would go on believing it holds a lock
// that another client may now take).
//
// Ranges follow fcntl(2): a lock of `type` on [start, start+length) (length
// 0 = to the end of the file) by one owner replaces that owner's locks in the
// range, splitting ranges that stick out; an unlock removes them. Only
// granted requests are recorded. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace zerofs::mount {

class LockRecords {
 public:
  struct Held {
    uint64_t node;
    uint32_t proc_id;
    uint8_t type;  // ninep::kLockTypeRead or kLockTypeWrite
    uint64_t start;
    uint64_t length;  // 0 = to the end of the file
  };

  // Records a granted Tlock (type kLockTypeUnlock removes).
  void Apply(uint64_t node, uint32_t proc_id, uint8_t type, uint64_t start, uint64_t length);
  // The owner closed the file: its locks on `node` are gone.
  void DropOwner(uint64_t node, uint32_t proc_id);
  // Every lock held, in (node, owner, start) order.
  std::vector<Held> All() const;

 private:
  struct Range {
    uint64_t last;  // inclusive; UINT64_MAX = to the end of the file
    uint8_t type;
  };
  using Ranges = std::map<uint64_t, Range>;  // by first byte
  mutable std::mutex mu_;
  std::map<std::pair<uint64_t, uint32_t>, Ranges> held_;  // guarded by mu_
};

}  // namespace zerofs::mount
