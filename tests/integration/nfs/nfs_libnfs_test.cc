// The NFS server through libnfs's high-level (POSIX-like) API.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <atomic>
#include <set>
#include <thread>

#include "nfs_harness.h"

namespace zerofs::nfs::testing {
namespace {

std::string Pattern(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>((i * 31 + seed) & 0xff);
  return s;
}

void WriteFile(nfs_context* nfs, const char* path, const std::string& data, int mode = 0644) {
  nfsfh* fh = nullptr;
  ASSERT_EQ(nfs_creat(nfs, path, mode, &fh), 0) << nfs_get_error(nfs);
  size_t off = 0;
  while (off < data.size()) {
    size_t n = std::min<size_t>(data.size() - off, 1u << 20);
    int w = nfs_pwrite(nfs, fh, off, n, data.data() + off);
    ASSERT_GT(w, 0) << nfs_get_error(nfs);
    off += static_cast<size_t>(w);
  }
  ASSERT_EQ(nfs_close(nfs, fh), 0);
}

std::string ReadFile(nfs_context* nfs, const char* path) {
  nfsfh* fh = nullptr;
  if (nfs_open(nfs, path, O_RDONLY, &fh) != 0) return "<open failed>";
  std::string out;
  std::string buf(1 << 20, '\0');
  for (;;) {
    int n = nfs_pread(nfs, fh, out.size(), buf.size(), buf.data());
    if (n <= 0) break;
    out.append(buf.data(), n);
  }
  nfs_close(nfs, fh);
  return out;
}

std::set<std::string> List(nfs_context* nfs, const char* path) {
  std::set<std::string> names;
  nfsdir* dir = nullptr;
  if (nfs_opendir(nfs, path, &dir) != 0) return names;
  while (nfsdirent* e = nfs_readdir(nfs, dir)) names.insert(e->name);
  nfs_closedir(nfs, dir);
  return names;
}

TEST_F(NfsServerTest, MountWriteReadStat) {
  nfs_context* nfs = Mount();
  EXPECT_EQ(nfs_get_readmax(nfs), 1u << 20);
  EXPECT_EQ(nfs_get_writemax(nfs), 1u << 20);
  std::string data = Pattern(3 * (1 << 20) + 123, 7);
  WriteFile(nfs, "/big", data);
  struct nfs_stat_64 st;
  ASSERT_EQ(nfs_stat64(nfs, "/big", &st), 0);
  EXPECT_EQ(st.nfs_size, data.size());
  EXPECT_TRUE(S_ISREG(st.nfs_mode));
  EXPECT_EQ(st.nfs_mode & 07777, 0644u);
  EXPECT_EQ(ReadFile(nfs, "/big"), data);
}

// READs answered from the memory cache send views of the cached extents:
// holes, partial extents at both ends, and odd lengths (XDR padding) must
// come out exactly as the bytes written.
TEST_F(NfsServerTest, CachedReadsAcrossHolesAndOddOffsets) {
  nfs_context* nfs = Mount();
  constexpr size_t kMiB = 1 << 20;
  std::string data(3 * kMiB + 5, '\0');  // a hole between two written runs
  const std::string head = Pattern(100003, 1), tail = Pattern(kMiB + 7, 2);
  data.replace(0, head.size(), head);
  data.replace(data.size() - tail.size(), tail.size(), tail);
  nfsfh* fh = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/holes", 0644, &fh), 0) << nfs_get_error(nfs);
  ASSERT_EQ(nfs_pwrite(nfs, fh, 0, head.size(), head.data()), static_cast<int>(head.size()));
  ASSERT_EQ(nfs_pwrite(nfs, fh, data.size() - tail.size(), tail.size(), tail.data()),
            static_cast<int>(tail.size()));
  std::string buf(kMiB, '\0');
  // The first pass updates atime (not a cached answer); later ones are.
  for (int pass = 0; pass < 3; pass++) {
    for (uint64_t off : {uint64_t{0}, uint64_t{3}, uint64_t{32768 - 1}, uint64_t{kMiB + 1},
                         uint64_t{2 * kMiB + 12345}, uint64_t{data.size() - 2}}) {
      for (size_t n : {size_t{1}, size_t{4095}, size_t{65536 + 3}, kMiB}) {
        const size_t want = std::min<size_t>(n, data.size() - off);
        int got = nfs_pread(nfs, fh, off, n, buf.data());
        ASSERT_EQ(got, static_cast<int>(want)) << "pass " << pass << " off " << off << " n " << n;
        EXPECT_TRUE(data.compare(off, want, buf, 0, want) == 0)
            << "pass " << pass << " off " << off << " n " << n;
      }
    }
  }
  nfs_close(nfs, fh);
  EXPECT_EQ(ReadFile(nfs, "/holes"), data);
}

TEST_F(NfsServerTest, DirectoryOperationsAndErrors) {
  nfs_context* nfs = Mount();
  ASSERT_EQ(nfs_mkdir(nfs, "/d"), 0);
  EXPECT_EQ(nfs_mkdir(nfs, "/d"), -EEXIST);
  WriteFile(nfs, "/d/a", "alpha");
  WriteFile(nfs, "/d/b", "beta");
  EXPECT_EQ(List(nfs, "/d"), (std::set<std::string>{".", "..", "a", "b"}));
  EXPECT_EQ(nfs_rename(nfs, "/d/a", "/d/c"), 0);
  EXPECT_EQ(ReadFile(nfs, "/d/c"), "alpha");
  EXPECT_EQ(nfs_rename(nfs, "/d/nothing", "/d/x"), -ENOENT);
  EXPECT_EQ(nfs_rmdir(nfs, "/d"), -ENOTEMPTY);
  EXPECT_EQ(nfs_unlink(nfs, "/d/missing"), -ENOENT);
  EXPECT_EQ(nfs_unlink(nfs, "/d/b"), 0);
  EXPECT_EQ(nfs_unlink(nfs, "/d/c"), 0);
  EXPECT_EQ(nfs_rmdir(nfs, "/d"), 0);
  struct nfs_stat_64 st;
  EXPECT_EQ(nfs_stat64(nfs, "/d", &st), -ENOENT);
}

TEST_F(NfsServerTest, ManyEntriesAreListedOnce) {
  nfs_context* nfs = Mount();
  ASSERT_EQ(nfs_mkdir(nfs, "/many"), 0);
  std::set<std::string> want{".", ".."};
  for (int i = 0; i < 300; i++) {
    std::string name = "file-with-a-longish-name-" + std::to_string(i);
    nfsfh* fh;
    ASSERT_EQ(nfs_creat(nfs, ("/many/" + name).c_str(), 0600, &fh), 0);
    nfs_close(nfs, fh);
    want.insert(name);
  }
  EXPECT_EQ(List(nfs, "/many"), want);
}

TEST_F(NfsServerTest, SymlinkLinkAndAttributes) {
  nfs_context* nfs = Mount();
  WriteFile(nfs, "/f", "0123456789");
  ASSERT_EQ(nfs_symlink(nfs, "f", "/s"), 0);
  char buf[64] = {};
  ASSERT_EQ(nfs_readlink(nfs, "/s", buf, sizeof(buf)), 0);
  EXPECT_STREQ(buf, "f");
  struct nfs_stat_64 st;
  ASSERT_EQ(nfs_lstat64(nfs, "/s", &st), 0);
  EXPECT_TRUE(S_ISLNK(st.nfs_mode));

  ASSERT_EQ(nfs_link(nfs, "/f", "/g"), 0);
  ASSERT_EQ(nfs_stat64(nfs, "/f", &st), 0);
  EXPECT_EQ(st.nfs_nlink, 2u);
  EXPECT_EQ(nfs_link(nfs, "/f", "/g"), -EEXIST);

  ASSERT_EQ(nfs_chmod(nfs, "/f", 0600), 0);
  ASSERT_EQ(nfs_chown(nfs, "/f", 1234, 5678), 0);
  struct timeval times[2] = {{1000000000, 0}, {1500000000, 0}};
  ASSERT_EQ(nfs_utimes(nfs, "/f", times), 0);
  ASSERT_EQ(nfs_truncate(nfs, "/f", 4), 0);
  ASSERT_EQ(nfs_stat64(nfs, "/g", &st), 0);
  EXPECT_EQ(st.nfs_mode & 07777, 0600u);
  EXPECT_EQ(st.nfs_uid, 1234u);
  EXPECT_EQ(st.nfs_gid, 5678u);
  EXPECT_EQ(st.nfs_atime, 1000000000u);
  EXPECT_EQ(st.nfs_size, 4u);
  EXPECT_EQ(ReadFile(nfs, "/g"), "0123");

  EXPECT_EQ(nfs_access(nfs, "/f", R_OK | W_OK), 0);
  struct statvfs sv;
  ASSERT_EQ(nfs_statvfs(nfs, "/", &sv), 0);
  EXPECT_GT(sv.f_blocks, 0u);
}

TEST_F(NfsServerTest, MknodCreatesFifo) {
  nfs_context* nfs = Mount();
  ASSERT_EQ(nfs_mknod(nfs, "/fifo", S_IFIFO | 0644, 0), 0) << nfs_get_error(nfs);
  struct nfs_stat_64 st;
  ASSERT_EQ(nfs_stat64(nfs, "/fifo", &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.nfs_mode));
}

TEST_F(NfsServerTest, AuthSysUidIsHonoured) {
  nfs_context* root = Mount();
  ASSERT_EQ(nfs_mkdir2(root, "/private", 0700), 0);
  ASSERT_EQ(nfs_mkdir2(root, "/public", 0777), 0);
  ASSERT_EQ(nfs_chmod(root, "/public", 0777), 0);  // past any umask
  WriteFile(root, "/public/rootfile", "secret", 0600);

  nfs_context* user = Mount(1000, 1000);
  nfsfh* fh = nullptr;
  EXPECT_EQ(nfs_creat(user, "/private/x", 0644, &fh), -EACCES);
  ASSERT_EQ(nfs_creat(user, "/public/mine", 0644, &fh), 0) << nfs_get_error(user);
  nfs_close(user, fh);
  struct nfs_stat_64 st;
  ASSERT_EQ(nfs_stat64(root, "/public/mine", &st), 0);
  EXPECT_EQ(st.nfs_uid, 1000u);
  EXPECT_EQ(st.nfs_gid, 1000u);
  EXPECT_EQ(nfs_open(user, "/public/rootfile", O_RDONLY, &fh), -EACCES);
  EXPECT_EQ(nfs_chown(user, "/public/mine", 0, 0), -EPERM);
  EXPECT_NE(nfs_access(user, "/public/rootfile", R_OK), 0);
}

TEST_F(NfsServerTest, OwnerMayWriteItsReadOnlyFile) {
  nfs_context* root = Mount();
  ASSERT_EQ(nfs_mkdir2(root, "/pub", 0777), 0);
  ASSERT_EQ(nfs_chmod(root, "/pub", 0777), 0);
  nfs_context* user = Mount(1000, 1000);
  nfsfh* fh = nullptr;
  // Like open(O_CREAT|O_WRONLY, 0444) followed by write: tar does this.
  ASSERT_EQ(nfs_creat(user, "/pub/ro", 0444, &fh), 0);
  EXPECT_EQ(nfs_pwrite(user, fh, 0, 5, "hello"), 5) << nfs_get_error(user);
  nfs_close(user, fh);
  EXPECT_EQ(ReadFile(root, "/pub/ro"), "hello");
}

TEST_F(NfsServerTest, DataAndNamesSurviveRestart) {
  nfs_context* nfs = Mount();
  ASSERT_EQ(nfs_mkdir(nfs, "/keep"), 0);
  WriteFile(nfs, "/keep/file", "persistent");
  for (auto* m : mounts_) nfs_destroy_context(m);
  mounts_.clear();
  RestartAll();
  nfs = Mount();
  EXPECT_EQ(ReadFile(nfs, "/keep/file"), "persistent");
}

TEST_F(NfsServerTest, ConcurrentClients) {
  constexpr int kClients = 4;
  std::vector<nfs_context*> ctx;
  for (int i = 0; i < kClients; i++) ctx.push_back(Mount());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int c = 0; c < kClients; c++) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < 10; i++) {
        std::string path = "/c" + std::to_string(c) + "-" + std::to_string(i);
        std::string data = Pattern(100000 + i * 1000, c * 10 + i);
        nfsfh* fh = nullptr;
        if (nfs_creat(ctx[c], path.c_str(), 0644, &fh) != 0) {
          failures++;
          continue;
        }
        if (nfs_pwrite(ctx[c], fh, 0, data.size(), data.data()) != static_cast<int>(data.size())) {
          failures++;
        }
        nfs_close(ctx[c], fh);
        if (ReadFile(ctx[c], path.c_str()) != data) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(List(ctx[0], "/").size(), 2u + kClients * 10);
}

}  // namespace
}  // namespace zerofs::nfs::testing
