// WriteBack: the thread that writes the WriteBuffer (write_buffer.h) back to
// the engine: entries first buffered more than `max_age` ago, and, once the
// buffer passes three quarters of its limit, any entries until it is down
// to half (so writers rarely reach the limit themselves, and the rest of the
// buffer keeps absorbing rewrites). It holds one file's lock for one chunk
// at a time, so writes to that file go on between chunks.
//
// The age bounds what a crash loses on top of the engine's periodic flush
// (an unflushed write is lost either way; see FsOptions::write_buffer_age).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "fs/filesystem.h"
#include "fs/write_buffer.h"

namespace zerofs::fs {

class WriteBack {
 public:
  WriteBack(FileSystem::Impl* fs, std::chrono::milliseconds max_age);
  ~WriteBack();  // Stop()
  WriteBack(const WriteBack&) = delete;
  WriteBack& operator=(const WriteBack&) = delete;

  // Above this the thread writes back down to half the limit.
  static uint64_t HighWater(const WriteBuffer& buffer) { return buffer.limit() / 4 * 3; }

  void Start();
  // Wakes the thread early (the buffer passed its high water).
  void Notify();
  // Ends the current chunk and joins the thread; what is still buffered
  // stays for the caller to write back.
  void Stop();

 private:
  void Run();
  // Writes back `ino`'s entries buffered before `before`, one chunk per lock
  // hold, while more() says so; false when asked to stop.
  bool WriteBackChunks(InodeId ino, WriteBuffer::Clock::time_point before,
                       const std::function<bool()>& more);

  FileSystem::Impl* const fs_;
  const std::chrono::milliseconds max_age_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;  // guarded by mu_
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace zerofs::fs
