// ObjectStore over a local directory: the file:// backend.
//
// Layout in local_layout.h. How each Put stays whole-or-nothing even under
// SIGKILL or power loss: the bytes go to a temporary file in the destination
// directory, which is fsynced, then moved into place by one atomic step and the
// directory is fsynced:
//   kOverwrite    rename(tmp, key)                      under the shared lock
//   kIfNoneMatch  link(tmp, key), EEXIST -> kAlreadyExists; unlink(tmp)
//   kIfMatch      compare ETag, rename(tmp, key)        under the exclusive lock
// The store-wide lock is flock(2) on <root>/.zerofs-lock, so it excludes other
// threads and other processes alike. Deletes take it shared too, so a CAS's
// compare and rename are never split by a replacement or a delete.
//
// ETags hash (inode, size, mtime, ctime). Every Put stamps its file with a
// fine-grained mtime; a CAS stamps one strictly greater than every earlier
// CAS in this store (the last one is kept in the lock file), so a CAS-written
// version never repeats an earlier ETag even when inode numbers are reused.
// Get returns the ETag of the very file it read (objects are never modified
// in place, only replaced). One wrinkle: unlink(tmp) after link() changes the
// new object's ctime, so a reader racing a kIfNoneMatch create may see an
// ETag that is stale a moment later; its CAS then fails and it re-reads.
// Conditional puts check their condition before writing any bytes (fail
// fast) and again at commit (the check that counts).
//
// A killed Put leaves a temporary file behind; readers never see it and
// SweepTempFiles removes it.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <string>

#include "objstore/object_store.h"
#include "objstore/scoped_fd.h"

namespace zerofs::objstore {

class LocalStore : public ObjectStore {
 public:
  // Opens the store rooted at the absolute directory `root`, creating it and
  // its parents if missing. Fails (naming the file:// URL) if it cannot be
  // created, is not a directory, or is not writable.
  static Result<std::shared_ptr<LocalStore>> Open(const std::string& root);

  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;
  ~LocalStore() override;

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override;
  Result<std::string_view> ReadRange(std::string_view key, ByteRange range,
                                     RangeBuffer* buf) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  std::string Describe() const override { return url_; }

  // Removes temporary files last modified more than `older_than` ago, which
  // only Puts killed mid-way leave behind. Returns how many were removed.
  // REQUIRES: no Put anywhere on this root has been running for `older_than`.
  Result<size_t> SweepTempFiles(std::chrono::seconds older_than);

  const std::string& root() const { return root_; }

 private:
  LocalStore(std::string root, int root_fd);

  // The only errno -> Error conversion: "<op> <url>/<key>: <strerror>".
  Error ErrnoError(const char* op, std::string_view key, int err) const;
  Error KeyError(const char* op, std::string_view key, Code code, std::string_view why) const;
  Status CheckKey(const char* op, std::string_view key) const;

  // Opens the directory that holds `key`, creating missing parents if asked.
  Result<ScopedFd> OpenParent(const char* op, std::string_view key, bool create) const;
  Result<ScopedFd> LockStore(const char* op, std::string_view key, bool exclusive) const;
  // Opens the regular file of `key` for reading and fills `*st`.
  Result<ScopedFd> OpenObject(const char* op, std::string_view key, struct stat* st) const;
  // Reads exactly n bytes at `offset` (an object that shrank is an error).
  Status ReadAt(std::string_view key, int fd, uint64_t offset, uint64_t n, char* dst) const;
  // kAlreadyExists / kPreconditionFailed unless `options`' condition holds
  // for `name` in `dir` now.
  Status CheckCondition(std::string_view key, int dir, const std::string& name,
                        const PutOptions& options) const;
  // Moves the fsynced temporary file `tmp` in `dir` to `name` per `options`.
  Status Commit(std::string_view key, int dir, int fd, const std::string& tmp,
                const std::string& name, const PutOptions& options);
  Status CommitIfMatch(std::string_view key, int dir, int fd, const std::string& tmp,
                       const std::string& name, const PutOptions& options);

  const std::string root_;  // absolute, no trailing '/' (unless it is "/")
  const std::string url_;   // "file://" + root_
  const int root_fd_;       // O_DIRECTORY descriptor of root_, for *at() calls
};

}  // namespace zerofs::objstore
