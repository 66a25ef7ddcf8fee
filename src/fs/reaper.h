// Reaper: frees the data of large unlinked files in the background, so that
// removing a 100 GiB file returns at once (issue 8).
//
// The work to do is recorded in the store, not only in memory: a file handed
// to the reaper is an orphan (record with nlink 0 plus its "O" mark, see
// orphans.cc). The reaper frees its extents from the end in bounded chunks,
// each one commit that also shrinks the recorded size, and finally frees the
// inode. A crash or shutdown part-way leaves a smaller orphan, which
// FileSystem::Open hands to the reaper again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "base/result.h"
#include "fs/filesystem.h"

namespace zerofs::fs {

class Reaper {
 public:
  // Files larger than this are freed by the reaper; smaller ones inline.
  static constexpr uint64_t kInlineMaxBytes = 8ull << 20;
  // Extents freed per commit: bounds the time one commit holds the engine.
  static constexpr uint64_t kExtentsPerCommit = 1024;

  explicit Reaper(FileSystem::Impl* fs);
  ~Reaper();  // Stop()
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  void Start();
  // Frees orphan `ino` soon. The caller may still hold the inode's lock and
  // an uncommitted transaction making it an orphan: the reaper takes the
  // lock and re-reads the record before acting.
  void Enqueue(InodeId ino);
  // Enqueue(ino) at `when` (an orphan kept for a reconnecting session:
  // freed then unless it was opened again or kept longer).
  void EnqueueAt(InodeId ino, std::chrono::steady_clock::time_point when);
  // Ends the current chunk and joins the thread; queued work stays in the
  // store for the next open.
  void Stop();
  // Waits until every queued file has been processed (tests, shutdown tools).
  void Drain();

 private:
  void Run();
  // Frees one chunk of `ino`; true when nothing is left to do for it.
  Result<bool> ReapChunk(InodeId ino);

  FileSystem::Impl* const fs_;
  std::mutex mu_;
  std::condition_variable cv_;       // work queued or stop requested
  std::condition_variable idle_cv_;  // queue drained
  std::deque<InodeId> queue_;        // guarded by mu_
  std::multimap<std::chrono::steady_clock::time_point, InodeId> timed_;  // guarded by mu_
  bool busy_ = false;  // guarded by mu_: a file is being reaped
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace zerofs::fs
