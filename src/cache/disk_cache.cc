#include "cache/disk_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cache/disk_cache_file.h"

namespace zerofs::cache {

namespace {

// Nice value of the writer thread (write-behind; see WriterLoop).
constexpr int kWriterNice = 10;

// The logs live under a directory named after the format version, so a
// future format never misreads these files. Older layouts are removed.
constexpr std::string_view kVersionDir = "v2";
constexpr std::string_view kOldVersionDirs[] = {"v1"};
constexpr uint64_t kBlock = 4096;

uint64_t ChargeOf(uint64_t file_size) { return (file_size + kBlock - 1) / kBlock * kBlock; }

uint64_t FileBytesFor(const DiskCacheOptions& o) {
  if (o.file_bytes != 0) return o.file_bytes;
  return std::clamp<uint64_t>(o.capacity_bytes / 64, 16 << 10, 16 << 20);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

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

// Reads exactly `n` bytes at `offset`; false on an error or a short file.
bool ReadAt(int fd, uint64_t offset, uint64_t n, std::string* out) {
  out->resize(n);
  uint64_t got = 0;
  while (got < n) {
    const ssize_t r = pread(fd, out->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<uint64_t>(r);
  }
  return true;
}

bool WriteAt(int fd, uint64_t offset, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

// One log file. Only the writer thread appends to it or removes it; readers
// hold a reference while they read, so a file removed meanwhile stays
// readable through its descriptor.
struct DiskCache::LogFile {
  LogFile(uint64_t s, Queue q, int f) : seq(s), queue(q), fd(f) {}
  ~LogFile() { close(fd); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  const uint64_t seq;
  Queue queue;
  const int fd;
  uint64_t size = 0;  // bytes appended (reserved) so far
  // The records appended, in order. Some may be dead (erased, or the key
  // was written again later); the index says which are live.
  std::vector<LogRecord> records;
};

DiskCache::DiskCache(DiskCacheOptions options)
    : options_(std::move(options)),
      file_bytes_(FileBytesFor(options_)),
      small_target_(options_.capacity_bytes / 10) {}

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
  // Two caches on one directory would each bound only their own logs and
  // write over each other's.
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
  // The logs still open get their index too, so that the next open reads
  // no log record by record.
  std::unique_lock<std::mutex> lock(mutex_);
  for (Queue q : {kSmall, kMain}) {
    if (active_[q] != 0) CloseLogLocked(lock, q);
  }
  lock.unlock();
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

std::string DiskCache::LogPath(uint64_t seq) const {
  return options_.dir + "/" + std::string(kVersionDir) + "/" + LogFileName(seq);
}

std::string DiskCache::IndexPath(uint64_t seq) const {
  return options_.dir + "/" + std::string(kVersionDir) + "/" + LogIndexFileName(seq);
}

void DiskCache::WriteIndex(uint64_t seq, const std::string& bytes) const {
  // Temporary name, then rename: a torn index is never read as one. No
  // fsync: a lost index only means walking the log at the next open.
  const std::string path = IndexPath(seq);
  const std::string temp = path + ".tmp";
  bool ok = false;
  {
    Fd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    ok = fd.get() >= 0 && WriteAt(fd.get(), 0, bytes);
  }
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) unlink(temp.c_str());
}

void DiskCache::CloseLogLocked(std::unique_lock<std::mutex>& lock, Queue q) {
  std::shared_ptr<LogFile> file = files_.at(active_[q]);
  active_[q] = 0;
  const std::string bytes = EncodeLogIndex(file->size, file->records);
  lock.unlock();
  WriteIndex(file->seq, bytes);  // only this thread evicts: the log is still there
  lock.lock();
}

Status DiskCache::Rebuild() {
  // A cache only: the entries of an older layout are not converted.
  for (std::string_view old : kOldVersionDirs) {
    std::error_code ec;
    std::filesystem::remove_all(options_.dir + "/" + std::string(old), ec);
  }
  const std::string base = options_.dir + "/" + std::string(kVersionDir);
  std::vector<uint64_t> seqs, index_seqs;
  DIR* d = opendir(base.c_str());
  if (d == nullptr) return DirError(base, "cannot list", errno);
  while (struct dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (std::optional<uint64_t> seq = SeqOfLogFileName(name)) {
      seqs.push_back(*seq);
    } else if (std::optional<uint64_t> indexed = SeqOfLogIndexFileName(name)) {
      index_seqs.push_back(*indexed);
    } else {
      unlink((base + "/" + name).c_str());  // not ours, or a leftover
    }
  }
  closedir(d);
  // An index whose log is gone is a leftover too.
  std::sort(seqs.begin(), seqs.end());
  for (uint64_t seq : index_seqs) {
    if (!std::binary_search(seqs.begin(), seqs.end(), seq)) unlink(IndexPath(seq).c_str());
  }
  // Oldest first, so that the oldest are evicted first. Entries kept
  // across a restart have proven themselves: main queue.
  std::unique_lock<std::mutex> lock(mutex_);
  for (uint64_t seq : seqs) {
    LoadLog(seq, LogPath(seq));
    next_seq_ = seq + 1;
  }
  // A smaller disk_size_gb than last time: trim now.
  while (usage_ > options_.capacity_bytes && !main_files_.empty()) {
    EvictOldestLocked(lock, kMain);
  }
  return OkStatus();
}

bool DiskCache::LoadLog(uint64_t seq, const std::string& path) {
  Fd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    unlink(path.c_str());
    return false;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  auto file = std::make_shared<LogFile>(seq, kMain, fd.release());
  uint64_t pos = 0;
  // The log's index, if it has a good one, saves reading every record's
  // header; what the log holds beyond it (nothing, normally) is walked.
  const std::string index_path = IndexPath(seq);
  const uint64_t indexed_before = stats_.indexed_logs;
  std::string index_bytes;
  if (Fd ifd(open(index_path.c_str(), O_RDONLY | O_CLOEXEC)); ifd.get() >= 0) {
    struct stat ist;
    uint64_t covered = 0;
    if (fstat(ifd.get(), &ist) == 0 &&
        ReadAt(ifd.get(), 0, static_cast<uint64_t>(ist.st_size), &index_bytes)) {
      auto records = DecodeLogIndex(index_bytes, &covered);
      if (records.ok() && covered <= size) {
        for (LogRecord& r : *records) {
          index_[r.key] = Loc{seq, r.offset, r.size, 0};
          file->records.push_back(std::move(r));
        }
        pos = covered;
        stats_.indexed_logs++;
      }
    }
    if (pos == 0) unlink(index_path.c_str());  // damaged, or not this log's
  }
  std::string head;
  while (pos < size) {
    const uint64_t n = std::min<uint64_t>(size - pos, kEntryHeaderSize + kMaxKeyBytes);
    if (!ReadAt(file->fd, pos, n, &head)) break;
    auto h = DecodeEntryHeader(head, size - pos);
    if (!h.ok()) break;
    std::string key = head.substr(kEntryHeaderSize, h->key_length);
    // A key written again later (after an Erase) lives in the later record.
    index_[key] = Loc{seq, pos, RecordSize(*h), 0};
    file->records.push_back(LogRecord{std::move(key), pos, RecordSize(*h)});
    pos += RecordSize(*h);
  }
  if (pos < size) {
    // A torn tail (a crash during an append) or damage: what follows the
    // last good record cannot be told apart, so it goes.
    stats_.bad_entries++;
    if (pos == 0 || ftruncate(file->fd, static_cast<off_t>(pos)) != 0) {
      for (const LogRecord& r : file->records) index_.erase(r.key);
      unlink(path.c_str());
      unlink(index_path.c_str());
      return false;
    }
  }
  if (pos == 0) {
    unlink(path.c_str());
    unlink(index_path.c_str());
    return false;
  }
  // Walked (no index, a damaged one, or a crash before it was written):
  // index it now, it is never appended to again.
  if (stats_.indexed_logs == indexed_before) WriteIndex(seq, EncodeLogIndex(pos, file->records));
  file->size = pos;
  usage_ += ChargeOf(pos);
  files_.emplace(seq, std::move(file));
  main_files_.push_back(seq);
  return true;
}

std::optional<std::string> DiskCache::Lookup(std::string_view key) {
  std::shared_ptr<LogFile> file;
  Loc loc;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string k(key);
    if (auto it = pending_.find(k); it != pending_.end()) {
      stats_.hits++;
      return *it->second.value;
    }
    auto it = index_.find(k);
    if (it == index_.end()) {
      stats_.misses++;
      return std::nullopt;
    }
    if (it->second.freq < 3) it->second.freq++;
    loc = it->second;
    file = files_.at(loc.file);
  }
  // Read without the lock: the writer may evict the file meanwhile, which
  // the reference (and its open descriptor) survives.
  std::string record;
  auto value = ReadAt(file->fd, loc.offset, loc.size, &record)
                   ? DecodeEntry(record, key)
                   : Result<std::string>(Error(Code::kIoError, "read"));
  std::lock_guard<std::mutex> lock(mutex_);
  if (value.ok()) {
    stats_.hits++;
    return std::move(value).value();
  }
  stats_.misses++;
  auto it = index_.find(std::string(key));
  if (it != index_.end() && it->second.file == loc.file && it->second.offset == loc.offset) {
    index_.erase(it);
    stats_.bad_entries++;
  }
  return std::nullopt;
}

void DiskCache::Insert(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > kMaxKeyBytes) return;
  const uint64_t bytes = key.size() + value.size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string k(key);
    if (stop_ || index_.count(k) != 0 || pending_.count(k) != 0) return;
    if (pending_bytes_ + bytes > options_.max_pending_bytes) {
      stats_.dropped_writes++;
      return;
    }
    pending_.emplace(k, Pending{std::make_shared<const std::string>(value), false, 0, true});
    queue_.push_back(std::move(k));
    pending_bytes_ += bytes;
  }
  cv_.notify_all();
}

void DiskCache::Erase(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string k(key);
  if (auto it = pending_.find(k); it != pending_.end()) {
    if (it->second.counted) pending_bytes_ -= k.size() + it->second.value->size();
    pending_.erase(it);  // the writer skips it (its queue_ item stays)
    stats_.bad_entries++;
  }
  if (index_.erase(k) != 0) stats_.bad_entries++;
}

void DiskCache::WaitForWrites() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

DiskCacheStats DiskCache::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  DiskCacheStats s = stats_;
  s.usage = usage_;
  s.entries = index_.size();
  s.files = files_.size();
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
    const Pending p = it->second;
    writing_ = true;
    lock.unlock();
    AppendOne(key, p);
    lock.lock();
    writing_ = false;
    cv_.notify_all();
  }
}

void DiskCache::AppendOne(const std::string& key, const Pending& p) {
  const std::string record = EncodeEntry(key, *p.value);
  std::unique_lock<std::mutex> lock(mutex_);
  // False once the entry was erased (or erased and queued again) while the
  // lock was released.
  auto still_pending = [&] {
    auto it = pending_.find(key);
    return it != pending_.end() && it->second.value == p.value;
  };
  // Leaves the queue: written, or dropped.
  auto settle = [&](bool wanted) {
    if (!still_pending()) return false;
    auto it = pending_.find(key);
    if (p.counted) pending_bytes_ -= key.size() + p.value->size();
    pending_.erase(it);
    if (!wanted) stats_.dropped_writes++;
    return true;
  };
  if (ChargeOf(record.size()) > options_.capacity_bytes) {
    settle(false);
    return;
  }
  const Queue q = p.to_main || ghosts_.Take(key) ? kMain : kSmall;
  // Make room: whole files go until the record fits (the active file may
  // be among them, if it is the oldest of its queue).
  std::shared_ptr<LogFile> file;
  uint64_t grow = 0;
  while (true) {
    file.reset();
    if (active_[q] != 0) {
      file = files_.at(active_[q]);
      if (file->size + record.size() > file_bytes_) {
        file.reset();
        CloseLogLocked(lock, q);  // full: a new one starts
        continue;                 // the lock was released: look again
      }
    }
    grow = file ? ChargeOf(file->size + record.size()) - ChargeOf(file->size)
                : ChargeOf(record.size());
    if (usage_ + grow <= options_.capacity_bytes) break;
    if (!small_files_.empty() && (small_usage_ > small_target_ || main_files_.empty())) {
      EvictOldestLocked(lock, kSmall);
    } else if (!main_files_.empty()) {
      EvictOldestLocked(lock, kMain);
    } else {
      settle(false);  // cannot happen: the record alone fits the capacity
      return;
    }
  }
  if (!still_pending()) return;  // erased while files were evicted
  if (!file) {
    const uint64_t seq = next_seq_++;
    const int fd = open(LogPath(seq).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      settle(false);
      return;
    }
    file = std::make_shared<LogFile>(seq, q, fd);
    files_.emplace(seq, file);
    (q == kSmall ? small_files_ : main_files_).push_back(seq);
    active_[q] = seq;
  }
  // Reserve the place, then write without the lock: only this thread
  // appends, and nobody can read the record before the index names it.
  const uint64_t offset = file->size;
  file->size += record.size();
  usage_ += grow;
  if (q == kSmall) small_usage_ += grow;
  lock.unlock();
  const bool written = WriteAt(file->fd, offset, record);
  lock.lock();
  if (!written) {
    // A gap or torn record now: nothing more goes into this file.
    if (active_[q] == file->seq) active_[q] = 0;
    settle(false);
    return;
  }
  if (!settle(true)) return;  // erased meanwhile: dead bytes in the log
  index_[key] = Loc{file->seq, offset, record.size(), p.freq};
  file->records.push_back(LogRecord{key, offset, record.size()});
  if (p.counted) {
    stats_.inserts++;
  } else {
    stats_.moved++;
  }
  // The small queue is kept near its share even while there is room, so a
  // one-off scan reuses the same space rather than growing the cache. Its
  // newest file always stays (its entries have had no chance to be read).
  while (small_usage_ > small_target_ && small_files_.size() > 1) {
    EvictOldestLocked(lock, kSmall);
  }
}

void DiskCache::EvictOldestLocked(std::unique_lock<std::mutex>& lock, Queue q) {
  std::deque<uint64_t>& files = q == kSmall ? small_files_ : main_files_;
  const uint64_t seq = files.front();
  files.pop_front();
  if (active_[q] == seq) active_[q] = 0;
  std::shared_ptr<LogFile> file = files_.at(seq);
  // Entries read since they were written (or last moved) survive: from
  // the small queue into the main one, in the main queue with one access
  // less. The others are forgotten, those of the small queue as ghosts.
  struct Kept {
    std::string key;
    Loc loc;
  };
  std::vector<Kept> kept;
  for (const LogRecord& r : file->records) {
    const std::string& key = r.key;
    auto it = index_.find(key);
    if (it == index_.end() || it->second.file != seq) continue;  // dead
    if (it->second.freq > 0) {
      kept.push_back(Kept{key, it->second});
      continue;
    }
    stats_.evictions++;
    if (q == kSmall) ghosts_.Remember(key, it->second.size);
    index_.erase(it);
  }
  // The kept records are read without the lock; until they are queued,
  // lookups still find them in this file.
  std::vector<std::optional<std::string>> values(kept.size());
  lock.unlock();
  std::string record;
  for (size_t i = 0; i < kept.size(); i++) {
    if (!ReadAt(file->fd, kept[i].loc.offset, kept[i].loc.size, &record)) continue;
    auto v = DecodeEntry(record, kept[i].key);
    if (v.ok()) values[i] = std::move(v).value();
  }
  lock.lock();
  for (size_t i = 0; i < kept.size(); i++) {
    auto it = index_.find(kept[i].key);
    if (it == index_.end() || it->second.file != seq || it->second.offset != kept[i].loc.offset) {
      continue;  // erased meanwhile
    }
    const uint8_t freq = it->second.freq;
    index_.erase(it);
    if (!values[i]) {
      stats_.bad_entries++;
      continue;
    }
    pending_[kept[i].key] = Pending{std::make_shared<const std::string>(std::move(*values[i])),
                                    true, static_cast<uint8_t>(q == kSmall ? 0 : freq - 1), false};
    queue_.push_front(kept[i].key);
  }
  DropFileLocked(seq);
}

void DiskCache::DropFileLocked(uint64_t seq) {
  auto it = files_.find(seq);
  const uint64_t charge = ChargeOf(it->second->size);
  usage_ -= charge;
  if (it->second->queue == kSmall) small_usage_ -= charge;
  unlink(LogPath(seq).c_str());    // readers keep their descriptor
  unlink(IndexPath(seq).c_str());  // if it has one
  files_.erase(it);
}

}  // namespace zerofs::cache
