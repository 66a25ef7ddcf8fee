#include <string>

#include "base/coding.h"
#include "fs/internal.h"

namespace zerofs::fs {

Status InodeAllocator::Load(engine::Engine* engine) {
  ZFS_ASSIGN_OR_RETURN(auto value, engine->Get(keys::NextInode()));
  std::lock_guard<std::mutex> lock(mu_);
  if (!value) {
    next_ = limit_ = kRootInode + 1;
    return OkStatus();
  }
  Decoder d(*value);
  uint8_t version;
  uint64_t next;
  if (!d.GetU8(&version) || version != kFormatVersion || !d.GetLE64(&next) || !d.done() ||
      next <= kRootInode) {
    return Error(Code::kCorruption, "fs inode counter record");
  }
  next_ = limit_ = next;
  return OkStatus();
}

Result<InodeId> InodeAllocator::Next(engine::Engine* engine) {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_ == limit_) {
    // Persist the new high-water mark before handing out any number below
    // it: the engine applies commits in order, so a recovered create always
    // comes with the reservation that covers its inode.
    std::string value;
    PutU8(&value, kFormatVersion);
    PutLE64(&value, limit_ + kInodeBatch);
    engine::Transaction txn;
    txn.Put(keys::NextInode(), value);
    ZFS_RETURN_IF_ERROR(engine->Commit(std::move(txn)));
    limit_ += kInodeBatch;
  }
  return next_++;
}

uint64_t InodeAllocator::NewGeneration() {
  std::lock_guard<std::mutex> lock(mu_);
  return rng_() | 1;  // never 0, so 0 can mean "no generation" in handles
}

}  // namespace zerofs::fs
