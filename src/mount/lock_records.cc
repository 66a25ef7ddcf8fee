#include "mount/lock_records.h"

#include <limits>

#include "ninep/wire.h"

namespace zerofs::mount {

namespace {

constexpr uint64_t kEnd = std::numeric_limits<uint64_t>::max();

uint64_t LastOf(uint64_t start, uint64_t length) {
  if (length == 0 || length - 1 > kEnd - start) return kEnd;
  return start + length - 1;
}

}  // namespace

void LockRecords::Apply(uint64_t node, uint32_t proc_id, uint8_t type, uint64_t start,
                        uint64_t length) {
  const uint64_t last = LastOf(start, length);
  std::lock_guard<std::mutex> lock(mu_);
  Ranges& ranges = held_[{node, proc_id}];
  // Cut [start, last] out of every range that overlaps it.
  auto it = ranges.upper_bound(start);
  if (it != ranges.begin()) --it;
  while (it != ranges.end() && it->first <= last) {
    const uint64_t first = it->first;
    const Range r = it->second;
    if (r.last < start) {
      ++it;
      continue;
    }
    it = ranges.erase(it);
    if (first < start) ranges[first] = Range{start - 1, r.type};
    if (r.last > last) ranges[last + 1] = Range{r.last, r.type};
  }
  if (type != ninep::kLockTypeUnlock) ranges[start] = Range{last, type};
  if (ranges.empty()) held_.erase({node, proc_id});
}

void LockRecords::DropOwner(uint64_t node, uint32_t proc_id) {
  std::lock_guard<std::mutex> lock(mu_);
  held_.erase({node, proc_id});
}

std::vector<LockRecords::Held> LockRecords::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Held> out;
  for (const auto& [key, ranges] : held_) {
    for (const auto& [first, r] : ranges) {
      const uint64_t length = r.last == kEnd ? 0 : r.last - first + 1;
      out.push_back(Held{key.first, key.second, r.type, first, length});
    }
  }
  return out;
}

}  // namespace zerofs::mount
