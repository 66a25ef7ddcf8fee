#include "fs/reaper.h"

#include <spdlog/spdlog.h>

#include "fs/file_data.h"
#include "fs/internal.h"

namespace zerofs::fs {

Reaper::Reaper(FileSystem::Impl* fs) : fs_(fs) {}

Reaper::~Reaper() { Stop(); }

void Reaper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Reaper::Enqueue(InodeId ino) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(ino);
  }
  cv_.notify_one();
}

void Reaper::EnqueueAt(InodeId ino, std::chrono::steady_clock::time_point when) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    timed_.emplace(when, ino);
  }
  cv_.notify_one();
}

void Reaper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  idle_cv_.notify_all();
}

void Reaper::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return stop_ || (queue_.empty() && !busy_); });
}

void Reaper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    while (!timed_.empty() && timed_.begin()->first <= now) {
      queue_.push_back(timed_.begin()->second);
      timed_.erase(timed_.begin());
    }
    if (stop_) return;
    if (queue_.empty()) {
      if (timed_.empty()) {
        cv_.wait(lock);
      } else {
        cv_.wait_until(lock, timed_.begin()->first);
      }
      continue;
    }
    const InodeId ino = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    uint64_t chunks = 0;
    Result<bool> done = false;
    for (;;) {
      done = ReapChunk(ino);
      if (!done.ok() || *done) break;
      chunks++;
      std::lock_guard<std::mutex> check(mu_);
      if (stop_) break;  // the orphan stays recorded; the next open resumes
    }
    if (!done.ok()) {
      // The orphan stays recorded and is retried at the next open.
      spdlog::warn("zerofs: freeing deleted inode {} failed: {}", ino, done.error().ToString());
    } else if (*done && chunks > 0) {
      spdlog::info("zerofs: freed deleted inode {} in the background ({} chunks)", ino, chunks + 1);
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

Result<bool> Reaper::ReapChunk(InodeId ino) {
  InodeLocks lock(&fs_->locks, {ino});
  // Still open or kept (then Release or a later EnqueueAt hands it back).
  if (fs_->opens.Expire(ino, std::chrono::steady_clock::now())) return true;
  auto rec = fs_->Load(ino);
  if (!rec.ok()) {
    if (rec.error().sys_errno() == ESTALE) return true;  // already freed
    return rec.error();
  }
  engine::Transaction txn;
  std::vector<StatsDelta> deltas;
  if (rec->nlink > 0) {
    txn.Delete(keys::Orphan(ino));  // relinked or never unlinked: a stale mark
    ZFS_RETURN_IF_ERROR(fs_->Commit(std::move(txn)));
    return true;
  }
  const uint64_t extents = rec->type == FileType::kRegular ? ExtentCount(rec->size) : 0;
  if (extents <= kExtentsPerCommit) {
    ZFS_RETURN_IF_ERROR(fs_->FreeInode(&txn, &deltas, ino, *rec));
    ZFS_RETURN_IF_ERROR(fs_->Commit(std::move(txn), deltas));
    return true;
  }
  // Free the last chunk and shrink the size with it, so the commit is one
  // consistent step and a restart continues from the new end.
  const uint64_t keep = extents - kExtentsPerCommit;
  const uint64_t new_size = keep * engine::kExtentSize;
  txn.DeleteExtents(ino, keep, extents);
  deltas.push_back({ino, 0, -static_cast<int64_t>(rec->size - new_size)});
  rec->size = new_size;
  FileSystem::Impl::Store(&txn, ino, *rec);
  ZFS_RETURN_IF_ERROR(fs_->Commit(std::move(txn), deltas));
  return false;
}

}  // namespace zerofs::fs
