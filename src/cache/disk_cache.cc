#include "cache/disk_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cache/disk_cache_file.h"

namespace zerofs::cache {

namespace {

// Nice value of the writer thread (write-behind; see WriterLoop).
constexpr int kWriterNice = 10;

// Entries live under a directory named after the format version, so a
// future format never misreads these files.
constexpr std::string_view kVersionDir = "v1";
constexpr uint64_t kBlock = 4096;

uint64_t ChargeOf(uint64_t file_size) { return (file_size + kBlock - 1) / kBlock * kBlock; }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Error DirError(const std::string& dir, const std::string& what, int err) {
  return Error(Code::kIoError, "disk cache dir " + dir + ": " + what + ": " + std::strerror(err));
}

Status MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); i++) {
    if (i != path.size() && path[i] != '/') continue;
    const std::string part = path.substr(0, i);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return DirError(path, "cannot create " + part, errno);
    }
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return DirError(path, "cannot stat", errno);
  if (!S_ISDIR(st.st_mode)) return DirError(path, "not a directory", ENOTDIR);
  return OkStatus();
}

// Reads up to `limit` bytes from the start of `fd`.
bool ReadAll(int fd, uint64_t limit, std::string* out) {
  out->resize(limit);
  uint64_t got = 0;
  while (got < limit) {
    const ssize_t n = pread(fd, out->data() + got, limit - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<uint64_t>(n);
  }
  out->resize(got);
  return true;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

struct Found {
  std::string key;
  uint64_t size;
  struct timespec mtime;
};

}  // namespace

DiskCache::DiskCache(DiskCacheOptions options)
    : options_(std::move(options)), policy_(options_.capacity_bytes) {}

Result<std::unique_ptr<DiskCache>> DiskCache::Open(DiskCacheOptions options) {
  while (options.dir.size() > 1 && options.dir.back() == '/') options.dir.pop_back();
  if (options.dir.empty()) return Error(Code::kInvalidArgument, "disk cache dir is empty");
  const std::string root = options.dir;
  ZFS_RETURN_IF_ERROR(MakeDirs(root + "/" + std::string(kVersionDir)));
  // Fail now, naming the directory, rather than drop every write later.
  const std::string probe = root + "/" + std::string(kVersionDir) + "/.probe";
  {
    Fd fd(open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return DirError(root, "not writable", errno);
  }
  unlink(probe.c_str());
  // Two caches on one directory would each bound only their own entries
  // and remove each other's temporary files.
  const std::string lock_path = root + "/LOCK";
  const int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return DirError(root, "cannot open LOCK", errno);
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(lock_fd);
    if (err == EWOULDBLOCK) {
      return Error(Code::kUnavailable,
                   "disk cache dir " + root + " is in use by another zerofs engine");
    }
    return DirError(root, "cannot lock", err);
  }
  std::unique_ptr<DiskCache> cache(new DiskCache(std::move(options)));
  cache->lock_fd_ = lock_fd;
  ZFS_RETURN_IF_ERROR(cache->Rebuild());
  cache->writer_ = std::thread([c = cache.get()] { c->WriterLoop(); });
  return cache;
}

DiskCache::~DiskCache() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  // What is queued is still written (a clean close keeps it), here: the
  // writer thread runs at a low priority and on a busy machine would make
  // the close wait for a long time.
  WriteQueued(/*wait=*/false);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

std::string DiskCache::PathOf(std::string_view key) const {
  // Callers checked that the key has a file name.
  return options_.dir + "/" + std::string(kVersionDir) + "/" + ShardOf(key) + "/" +
         *EntryFileName(key);
}

Status DiskCache::Rebuild() {
  const std::string base = options_.dir + "/" + std::string(kVersionDir);
  std::vector<Found> found;
  for (int shard = 0; shard < 256; shard++) {
    char name[3];
    std::snprintf(name, sizeof(name), "%02x", shard);
    const std::string dir = base + "/" + name;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) continue;
      return DirError(dir, "cannot list", errno);
    }
    while (struct dirent* e = readdir(d)) {
      const std::string file = e->d_name;
      if (file == "." || file == "..") continue;
      const std::string path = dir + "/" + file;
      // Anything not a valid entry in its right shard is a leftover
      // (temporary file of an interrupted write, damaged entry): removed.
      bool ok = false;
      std::optional<std::string> key = KeyFromFileName(file);
      struct stat st;
      if (key && ShardOf(*key) == name && lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
        std::string head;
        if (fd.get() >= 0 && ReadAll(fd.get(), kEntryHeaderSize + key->size(), &head)) {
          auto h = DecodeEntryHeader(head, static_cast<uint64_t>(st.st_size));
          ok = h.ok() && head.substr(kEntryHeaderSize) == *key;
        }
        if (ok) found.push_back(Found{*key, static_cast<uint64_t>(st.st_size), st.st_mtim});
      }
      if (!ok) {
        unlink(path.c_str());
        stats_.bad_entries++;
      }
    }
    closedir(d);
  }
  // Oldest first, so that the oldest are evicted first. Entries that were
  // kept across a restart have proven themselves: main queue.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.mtime.tv_sec != b.mtime.tv_sec ? a.mtime.tv_sec < b.mtime.tv_sec
                                            : a.mtime.tv_nsec < b.mtime.tv_nsec;
  });
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Policy::Evicted> evicted;
  for (const Found& f : found) {
    const uint64_t charge = ChargeOf(f.size);
    policy_.Insert(f.key, FileInfo{charge}, charge, &evicted, /*main=*/true);
  }
  // A smaller disk_size_gb than last time: trim now.
  RemoveEvictedLocked(&evicted);
  return OkStatus();
}

std::optional<std::string> DiskCache::Lookup(std::string_view key) {
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = pending_.find(std::string(key)); it != pending_.end()) {
      stats_.hits++;
      return *it->second;
    }
    if (policy_.Find(key) == nullptr) {
      stats_.misses++;
      return std::nullopt;
    }
    path = PathOf(key);
  }
  // Read without the lock: an eviction may unlink the file meanwhile, which
  // an open descriptor survives; a file already gone is a miss.
  std::string file;
  bool read = false;
  {
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st;
    if (fd.get() >= 0 && fstat(fd.get(), &st) == 0) {
      read = ReadAll(fd.get(), static_cast<uint64_t>(st.st_size), &file);
    }
  }
  auto value = read ? DecodeEntry(file, key) : Result<std::string>(Error(Code::kIoError, "read"));
  std::lock_guard<std::mutex> lock(mutex_);
  if (value.ok()) {
    stats_.hits++;
    return std::move(value).value();
  }
  stats_.misses++;
  if (policy_.Erase(key)) {
    unlink(path.c_str());
    stats_.bad_entries++;
  }
  return std::nullopt;
}

void DiskCache::Insert(std::string_view key, std::string_view value) {
  if (!EntryFileName(key)) return;
  const uint64_t bytes = key.size() + value.size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_ || policy_.Contains(key)) return;
    std::string k(key);
    if (pending_.count(k) != 0) return;
    if (pending_bytes_ + bytes > options_.max_pending_bytes) {
      stats_.dropped_writes++;
      return;
    }
    pending_.emplace(k, std::make_shared<const std::string>(value));
    queue_.push_back(std::move(k));
    pending_bytes_ += bytes;
  }
  cv_.notify_all();
}

void DiskCache::Erase(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = pending_.find(std::string(key)); it != pending_.end()) {
    pending_bytes_ -= key.size() + it->second->size();
    pending_.erase(it);  // the writer skips it (its queue_ item stays)
    stats_.bad_entries++;
  }
  if (policy_.Erase(key)) {
    unlink(PathOf(key).c_str());
    stats_.bad_entries++;
  }
}

void DiskCache::WaitForWrites() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

DiskCacheStats DiskCache::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  DiskCacheStats s = stats_;
  s.usage = policy_.usage();
  s.entries = policy_.size();
  return s;
}

void DiskCache::WriterLoop() {
  // Write-behind work takes spare CPU rather than compete with requests: a
  // cached-read benchmark on 2 cores found this thread using a third of the
  // server's CPU, storing frames fetched moments before. A writer that
  // falls behind only makes Insert drop entries (it never waits).
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kWriterNice);
  WriteQueued(/*wait=*/true);
}

void DiskCache::WriteQueued(bool wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (wait) cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty() || (wait && stop_)) return;
    std::string key = std::move(queue_.front());
    queue_.pop_front();
    auto it = pending_.find(key);
    if (it == pending_.end()) continue;  // erased while queued
    std::shared_ptr<const std::string> value = it->second;
    writing_ = true;
    lock.unlock();
    WriteOne(key, value);
    lock.lock();
    writing_ = false;
    cv_.notify_all();
  }
}

void DiskCache::WriteOne(const std::string& key, const std::shared_ptr<const std::string>& value) {
  const std::string path = PathOf(key);
  const std::string shard_dir = path.substr(0, path.rfind('/'));
  // '.' never appears in an entry's file name, so a temporary file is never
  // mistaken for an entry (Rebuild removes it).
  const std::string temp = path + ".tmp" + std::to_string(temp_counter_++);
  const std::string bytes = EncodeEntry(key, *value);
  bool ok = shard_dirs_.count(shard_dir) != 0;
  if (!ok && (mkdir(shard_dir.c_str(), 0700) == 0 || errno == EEXIST)) {
    ok = true;
    shard_dirs_.insert(shard_dir);
  }
  if (ok) {
    Fd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    ok = fd.get() >= 0 && WriteAll(fd.get(), bytes);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pending_.find(key);
  const bool still_wanted = it != pending_.end() && it->second == value;
  if (still_wanted) {
    pending_bytes_ -= key.size() + value->size();
    pending_.erase(it);
  }
  // Renamed under the lock, so that an eviction of this key (which unlinks
  // under the lock too) can never remove a newer file.
  if (!ok || !still_wanted || rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    if (still_wanted) stats_.dropped_writes++;
    return;
  }
  if (policy_.Contains(key)) return;  // same immutable bytes, same file
  const uint64_t charge = ChargeOf(bytes.size());
  std::vector<Policy::Evicted> evicted;
  if (policy_.Insert(key, FileInfo{charge}, charge, &evicted)) stats_.inserts++;
  RemoveEvictedLocked(&evicted);
}

void DiskCache::RemoveEvictedLocked(std::vector<Policy::Evicted>* evicted) {
  for (const Policy::Evicted& e : *evicted) {
    unlink(PathOf(e.key).c_str());
    stats_.evictions++;
  }
  evicted->clear();
}

}  // namespace zerofs::cache
