// Per-inode locks: a fixed table of striped reader/writer mutexes keyed by
// inode number. Mutations hold the stripes of every inode they change
// exclusively; reads of one inode's data hold its stripe shared. Sets of
// stripes are always taken in increasing stripe order, which rules out
// deadlock between multi-inode operations (a stripe shared by two inodes
// of one operation is taken once).
//
// Lock order for the whole core: FileSystem rename mutex, then inode
// stripes, then stats shards (StatsCounters), then the allocator mutex.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <shared_mutex>
#include <vector>

#include "fs/filesystem.h"

namespace zerofs::fs {

class LockTable {
 public:
  static constexpr size_t kStripes = 1024;

  std::shared_mutex& Stripe(size_t i) { return stripes_[i]; }
  static size_t StripeOf(InodeId ino) { return (ino * 0x9E3779B97F4A7C15ull) >> 54; }

 private:
  std::array<std::shared_mutex, kStripes> stripes_;
};

static_assert(LockTable::kStripes == (1u << 10), "StripeOf takes the top 10 bits");

// Holds the stripes of a set of inodes exclusively until destroyed.
class InodeLocks {
 public:
  InodeLocks(LockTable* table, std::initializer_list<InodeId> inodes);
  InodeLocks(LockTable* table, const std::vector<InodeId>& inodes);
  ~InodeLocks();
  InodeLocks(const InodeLocks&) = delete;
  InodeLocks& operator=(const InodeLocks&) = delete;

 private:
  void Acquire(std::vector<size_t> stripes);

  LockTable* const table_;
  std::vector<size_t> held_;
};

// Holds one inode's stripe shared until destroyed.
class SharedInodeLock {
 public:
  SharedInodeLock(LockTable* table, InodeId ino) : lock_(table->Stripe(LockTable::StripeOf(ino))) {}

 private:
  std::shared_lock<std::shared_mutex> lock_;
};

}  // namespace zerofs::fs
