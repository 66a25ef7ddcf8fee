#include "fs/lock_table.h"

#include <algorithm>

namespace zerofs::fs {

InodeLocks::InodeLocks(LockTable* table, std::initializer_list<InodeId> inodes) : table_(table) {
  std::vector<size_t> stripes;
  for (InodeId ino : inodes) {
    if (ino != 0) stripes.push_back(LockTable::StripeOf(ino));
  }
  Acquire(std::move(stripes));
}

InodeLocks::InodeLocks(LockTable* table, const std::vector<InodeId>& inodes) : table_(table) {
  std::vector<size_t> stripes;
  for (InodeId ino : inodes) {
    if (ino != 0) stripes.push_back(LockTable::StripeOf(ino));
  }
  Acquire(std::move(stripes));
}

void InodeLocks::Acquire(std::vector<size_t> stripes) {
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (size_t s : stripes) table_->Stripe(s).lock();
  held_ = std::move(stripes);
}

InodeLocks::~InodeLocks() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) table_->Stripe(*it).unlock();
}

}  // namespace zerofs::fs
