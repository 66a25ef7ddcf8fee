#include "ninep/lock_table.h"

#include <algorithm>
#include <cerrno>

namespace zerofs::ninep {

Result<uint64_t> LockTable::EndOf(uint64_t start, uint64_t length) {
  if (length == 0) return kToEof;
  if (length - 1 > kToEof - start) return Error::Posix(EINVAL, "lock range past 2^64");
  return start + (length - 1);
}

uint64_t LockTable::LengthOf(uint64_t start, uint64_t end) {
  if (end == kToEof) return 0;
  return end - start + 1;
}

bool LockTable::Conflicts(const HeldLock& held, const LockOwner& owner, LockKind kind,
                          uint64_t start, uint64_t end) {
  if (held.owner == owner) return false;
  if (held.end < start || held.start > end) return false;
  return kind == LockKind::kWrite || held.kind == LockKind::kWrite;
}

bool LockTable::SetLock(fs::InodeId ino, const LockOwner& owner, uint64_t session, LockKind kind,
                        uint64_t start, uint64_t end) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& list = locks_[ino];
  if (kind != LockKind::kUnlock) {
    for (const auto& h : list) {
      if (Conflicts(h, owner, kind, start, end)) return false;
    }
  }
  // Cut the owner's existing locks out of [start, end], keeping the pieces
  // on either side.
  std::vector<HeldLock> next;
  next.reserve(list.size() + 2);
  for (auto& h : list) {
    if (!(h.owner == owner) || h.end < start || h.start > end) {
      next.push_back(std::move(h));
      continue;
    }
    if (h.start < start) {
      HeldLock left = h;
      left.end = start - 1;
      next.push_back(std::move(left));
    }
    if (h.end > end) {
      HeldLock right = h;
      right.start = end + 1;
      next.push_back(std::move(right));
    }
  }
  if (kind != LockKind::kUnlock) {
    // Merge with the owner's touching locks of the same kind. Nothing of the
    // owner overlaps [start, end] any more, so only neighbours can touch.
    HeldLock merged{kind, start, end, owner, session};
    std::vector<HeldLock> kept;
    kept.reserve(next.size() + 1);
    for (auto& h : next) {
      bool touches = h.owner == owner && h.kind == kind &&
                     ((h.end != kToEof && h.end + 1 == merged.start) ||
                      (merged.end != kToEof && merged.end + 1 == h.start));
      if (touches) {
        merged.start = std::min(merged.start, h.start);
        merged.end = std::max(merged.end, h.end);
      } else {
        kept.push_back(std::move(h));
      }
    }
    kept.push_back(std::move(merged));
    next = std::move(kept);
  }
  std::sort(next.begin(), next.end(),
            [](const HeldLock& a, const HeldLock& b) { return a.start < b.start; });
  if (next.empty()) {
    locks_.erase(ino);
  } else {
    list = std::move(next);
  }
  return true;
}

std::optional<HeldLock> LockTable::TestLock(fs::InodeId ino, const LockOwner& owner, LockKind kind,
                                            uint64_t start, uint64_t end) const {
  if (kind == LockKind::kUnlock) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = locks_.find(ino);
  if (it == locks_.end()) return std::nullopt;
  for (const auto& h : it->second) {
    if (Conflicts(h, owner, kind, start, end)) return h;
  }
  return std::nullopt;
}

void LockTable::ReleaseSession(uint64_t session) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = locks_.begin(); it != locks_.end();) {
    auto& list = it->second;
    std::erase_if(list, [&](const HeldLock& h) { return h.session == session; });
    it = list.empty() ? locks_.erase(it) : std::next(it);
  }
}

std::vector<HeldLock> LockTable::LocksOn(fs::InodeId ino) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = locks_.find(ino);
  return it == locks_.end() ? std::vector<HeldLock>{} : it->second;
}

}  // namespace zerofs::ninep
