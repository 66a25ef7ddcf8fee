#include "fs/write_back.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {

// Extents per write-back commit: 1 MiB, compressed on two threads by the
// engine, short enough that a writer of the same file waits little.
constexpr size_t kChunkExtents = 32;

}  // namespace

size_t FileSystem::Impl::AddBufferedExtents(engine::Transaction* txn, InodeId ino, size_t max,
                                            WriteBuffer::Clock::time_point before, uint64_t* from) {
  auto entries = buffer.Peek(ino, max, before, from != nullptr ? *from : 0);
  for (auto& [index, data] : entries) txn->WriteExtent(ino, index, std::string(*data));
  if (from != nullptr && !entries.empty()) *from = entries.back().first + 1;
  return entries.size();
}

Status FileSystem::Impl::WriteBackLocked(InodeId ino, size_t max_extents,
                                         WriteBuffer::Clock::time_point before, uint64_t* from) {
  uint64_t start = 0;
  uint64_t* cursor = from != nullptr ? from : &start;
  while (max_extents > 0) {
    engine::Transaction txn;
    const size_t added =
        AddBufferedExtents(&txn, ino, std::min(max_extents, kChunkExtents), before, cursor);
    if (added == 0) break;
    max_extents -= added;
    // Commit discards the entries it writes (also on failure: see Commit).
    ZFS_RETURN_IF_ERROR(Commit(std::move(txn)));
  }
  return OkStatus();
}

Status FileSystem::Impl::WriteBackFile(InodeId ino) {
  if (buffer.empty()) return OkStatus();
  InodeLocks lock(&locks, {ino});
  return WriteBackLocked(ino);
}

Status FileSystem::Impl::WriteBackAll() {
  Status first;
  for (InodeId ino : buffer.Inodes(/*all=*/true, {})) {
    Status s = WriteBackFile(ino);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

void FileSystem::Impl::AfterBufferedWrite(InodeId ino) {
  if (buffer.bytes() > buffer.limit()) {
    // Over the limit: this writer pays for one chunk of its own file (it
    // holds the file's lock), which bounds memory whatever the thread does.
    if (Status s = WriteBackLocked(ino, kChunkExtents); !s.ok()) {
      spdlog::warn("zerofs: writing back inode {} failed: {}", ino, s.error().ToString());
    }
  }
  if (write_back && buffer.bytes() > WriteBack::HighWater(buffer)) write_back->Notify();
}

uint64_t FileSystem::BufferedWriteBytes() const { return impl_->buffer.bytes(); }

WriteBack::WriteBack(FileSystem::Impl* fs, std::chrono::milliseconds max_age)
    : fs_(fs), max_age_(max_age) {}

WriteBack::~WriteBack() { Stop(); }

void WriteBack::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WriteBack::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (wake_) return;
    wake_ = true;
  }
  cv_.notify_one();
}

void WriteBack::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WriteBack::Run() {
  const auto tick = std::max(max_age_ / 4, std::chrono::milliseconds(1));
  WriteBuffer& buffer = fs_->buffer;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait_for(lock, tick, [this] { return stop_ || wake_; });
    if (stop_) return;
    wake_ = false;
    lock.unlock();
    // Entries past their age, then (above the high water) any entries down
    // to the low water: the rest stay to absorb more rewrites.
    const auto cutoff = WriteBuffer::Clock::now() - max_age_;
    for (InodeId ino : buffer.Inodes(/*all=*/false, cutoff)) {
      if (!WriteBackChunks(ino, cutoff, [] { return true; })) return;
    }
    if (buffer.bytes() > HighWater(buffer)) {
      auto above_low = [&buffer] { return buffer.bytes() > buffer.limit() / 2; };
      for (InodeId ino : buffer.Inodes(/*all=*/true, {})) {
        if (!above_low()) break;
        if (!WriteBackChunks(ino, WriteBuffer::Clock::time_point::max(), above_low)) return;
      }
    }
    lock.lock();
  }
}

bool WriteBack::WriteBackChunks(InodeId ino, WriteBuffer::Clock::time_point before,
                                const std::function<bool()>& more) {
  WriteBuffer& buffer = fs_->buffer;
  // Entries below `from` were written back by an earlier chunk or were
  // younger than `before` then (and entries added since are younger still).
  uint64_t from = 0;
  while (more()) {
    Status s;
    {
      InodeLocks file_lock(&fs_->locks, {ino});
      if (buffer.Peek(ino, 1, before, from).empty()) return true;
      s = fs_->WriteBackLocked(ino, kChunkExtents, before, &from);
    }
    if (!s.ok()) {
      spdlog::warn("zerofs: writing back inode {} failed: {}", ino, s.error().ToString());
      return true;
    }
    std::lock_guard<std::mutex> check(mu_);
    if (stop_) return false;
  }
  return true;
}

}  // namespace zerofs::fs
