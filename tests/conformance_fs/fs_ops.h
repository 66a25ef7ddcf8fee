// conformance::Ops on the in-process fs core: paths are resolved with
// path_resolver.h, handles are open references (FileSystem::Open/Release)
// with a file offset, or a directory cookie for readdir_chunk.
//
// I/O on special files is what the client's kernel does, never the server:
// this adapter plays that part minimally (FIFOs as in-memory pipes, 1,3 and
// 1,5 as /dev/null and /dev/zero, other devices and sockets ENXIO).
#pragma once

#include <map>
#include <mutex>

#include "fs/filesystem.h"
#include "ops.h"
#include "path_resolver.h"

namespace zerofs::conformance_fs {

class FsOps : public conformance::Ops {
 public:
  // REQUIRES: fs outlives this object.
  explicit FsOps(fs::FileSystem* fs) : fs_(fs) {}

  conformance::Features features() override;

  int mkdir(const conformance::Cred& c, const std::string& path, uint32_t mode) override;
  int mknod(const conformance::Cred& c, const std::string& path, uint32_t mode,
            uint64_t rdev) override;
  int symlink(const conformance::Cred& c, const std::string& target,
              const std::string& path) override;
  int readlink(const conformance::Cred& c, const std::string& path, std::string* target) override;
  int link(const conformance::Cred& c, const std::string& from, const std::string& to) override;
  int unlink(const conformance::Cred& c, const std::string& path) override;
  int rmdir(const conformance::Cred& c, const std::string& path) override;
  int rename(const conformance::Cred& c, const std::string& from, const std::string& to) override;
  int rename2(const conformance::Cred& c, const std::string& from, const std::string& to,
              unsigned flags) override;

  int64_t open(const conformance::Cred& c, const std::string& path, int flags,
               uint32_t mode) override;
  int close(const conformance::Cred& c, int64_t h) override;
  int64_t pread(const conformance::Cred& c, int64_t h, void* buf, size_t len, int64_t off) override;
  int64_t pwrite(const conformance::Cred& c, int64_t h, const void* buf, size_t len,
                 int64_t off) override;
  int64_t write(const conformance::Cred& c, int64_t h, const void* buf, size_t len) override;
  int ftruncate(const conformance::Cred& c, int64_t h, int64_t size) override;
  int fsync(const conformance::Cred& c, int64_t h, bool datasync) override;
  int fallocate(const conformance::Cred& c, int64_t h, int mode, int64_t off, int64_t len) override;
  int fstat(const conformance::Cred& c, int64_t h, conformance::Stat* st) override;
  int readdir_chunk(const conformance::Cred& c, int64_t h, size_t max,
                    std::vector<conformance::DirEntry>* out) override;

  int stat(const conformance::Cred& c, const std::string& path, conformance::Stat* st) override;
  int lstat(const conformance::Cred& c, const std::string& path, conformance::Stat* st) override;
  int chmod(const conformance::Cred& c, const std::string& path, uint32_t mode) override;
  int chown(const conformance::Cred& c, const std::string& path, uint32_t uid,
            uint32_t gid) override;
  int lchown(const conformance::Cred& c, const std::string& path, uint32_t uid,
             uint32_t gid) override;
  int utimens(const conformance::Cred& c, const std::string& path,
              const conformance::TimeSpec times[2], bool nofollow) override;
  int truncate(const conformance::Cred& c, const std::string& path, int64_t size) override;
  int statvfs(const conformance::Cred& c, const std::string& path,
              conformance::StatVfs* out) override;

  int setxattr(const conformance::Cred& c, const std::string& path, const std::string& name,
               const std::string& value, int flags) override;
  int getxattr(const conformance::Cred& c, const std::string& path, const std::string& name,
               std::string* value) override;
  int listxattr(const conformance::Cred& c, const std::string& path,
                std::vector<std::string>* names) override;
  int removexattr(const conformance::Cred& c, const std::string& path,
                  const std::string& name) override;

 private:
  struct Handle {
    fs::InodeId ino = 0;
    int flags = 0;
    uint64_t offset = 0;  // files: next write()
    uint64_t cookie = 0;  // directories: readdir position
    bool dir_eof = false;
    fs::FileType type = fs::FileType::kRegular;
    bool dev_zero = false;  // /dev/zero (1,5) rather than /dev/null (1,3)
  };

  int Resolve(const conformance::Cred& c, const std::string& path, bool follow, Resolved* out);
  // The path must exist: -ENOENT otherwise.
  int ResolveExisting(const conformance::Cred& c, const std::string& path, bool follow,
                      Resolved* out);
  Handle* Find(int64_t h);
  int SetAttr(const conformance::Cred& c, const std::string& path, bool follow,
              const fs::SetAttrRequest& req);

  fs::FileSystem* const fs_;
  std::mutex mu_;
  std::map<int64_t, Handle> handles_;  // guarded by mu_
  // What the client kernel provides for special files (the server only
  // stores the nodes): FIFO readers and pipe buffers.
  std::map<fs::InodeId, int> fifo_readers_;       // guarded by mu_
  std::map<fs::InodeId, std::string> fifo_data_;  // guarded by mu_
  int64_t next_handle_ = 3;                       // guarded by mu_
};

}  // namespace zerofs::conformance_fs
