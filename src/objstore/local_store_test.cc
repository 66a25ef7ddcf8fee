// LocalStore's own behaviour; the ObjectStore contract every backend shares
// runs here too, as ObjectStoreContractTest/Local
// (tests/support/object_store_contract.h).
#include "objstore/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "object_store_contract.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

testing::ContractBackend LocalContractBackend() {
  testing::ContractBackend b;
  b.name = "Local";
  b.open = [](const std::string&) {
    auto dir = std::make_shared<TestTempDir>();
    testing::ContractStore out;
    auto store = LocalStore::Open(dir->path() + "/store");
    if (!store.ok()) {
      ADD_FAILURE() << store.error().ToString();
      out.skip = "cannot open a LocalStore";
      return out;
    }
    out.store = *store;
    out.keep_alive = dir;
    return out;
  };
  return b;
}

using testing::ObjectStoreContractTest;
INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreContractTest, ::testing::Values(LocalContractBackend()),
                         testing::ContractBackendName);

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/store";
    auto store = LocalStore::Open(root_);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = *store;
  }

  std::string MustPut(std::string_view key, std::string_view data, PutOptions options = {}) {
    auto etag = store_->Put(key, data, options);
    EXPECT_TRUE(etag.ok()) << etag.error().ToString();
    return etag.ok() ? *etag : "";
  }

  std::vector<std::string> Keys(std::string_view prefix) {
    auto all = store_->ListAll(prefix);
    EXPECT_TRUE(all.ok()) << all.error().ToString();
    std::vector<std::string> keys;
    if (all.ok()) {
      for (const auto& info : *all) keys.push_back(info.key);
    }
    return keys;
  }

  void WriteRawFile(const std::string& rel) { std::ofstream(root_ + "/" + rel) << "junk"; }

  TestTempDir dir_;
  std::string root_;
  std::shared_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, NestedKeysCreateDirectories) {
  MustPut("segments/00/0000000000000001", "seg");
  EXPECT_EQ(store_->Get("segments/00/0000000000000001")->data, "seg");
  struct stat st;
  EXPECT_EQ(stat((root_ + "/segments/00").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(LocalStoreTest, DirectoryIsNotAnObject) {
  MustPut("a/b", "x");
  EXPECT_EQ(store_->Get("a").error().code(), Code::kNotFound);
  EXPECT_EQ(store_->Head("a").error().code(), Code::kNotFound);
  EXPECT_TRUE(store_->Delete("a").ok());
  EXPECT_EQ(store_->Get("a/b")->data, "x");
}

TEST_F(LocalStoreTest, KeyUnderAnObjectIsRejected) {
  MustPut("a", "x");
  auto put = store_->Put("a/b", "y");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->Get("a/b").error().code(), Code::kNotFound);
}

TEST_F(LocalStoreTest, CasEtagsNeverRepeatEvenForIdenticalBytes) {
  std::set<std::string> seen;
  std::string etag = MustPut("m", "same");
  seen.insert(etag);
  for (int i = 0; i < 100; i++) {
    etag = MustPut("m", "same", {PutMode::kIfMatch, etag});
    EXPECT_TRUE(seen.insert(etag).second) << "ETag repeated at version " << i;
  }
}

TEST_F(LocalStoreTest, ListIsSortedBytewise) {
  std::vector<std::string> keys = {"a.b", "a/b", "a0", "a/c/d", "b",    "A",
                                   "a",   "ab",  "a-", "\xff",  "a/b0", "a/b/c/x"};
  // "a" and "a/b" cannot coexist with "a/..." and "a/b/..." on a local disk.
  keys.erase(std::remove(keys.begin(), keys.end(), "a"), keys.end());
  keys.erase(std::remove(keys.begin(), keys.end(), "a/b"), keys.end());
  for (const auto& key : keys) MustPut(key, key);
  std::sort(keys.begin(), keys.end());  // std::string compares bytes as unsigned
  EXPECT_EQ(Keys(""), keys);
}

TEST_F(LocalStoreTest, ListPaginatesWithLastKeyAsToken) {
  std::vector<std::string> keys;
  for (int i = 0; i < 21; i++) {
    keys.push_back((i % 3 == 0 ? "p/" : "q/deep/") + std::to_string(100 + i));
    MustPut(keys.back(), "x");
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    auto page = store_->List("", token, 7);
    ASSERT_TRUE(page.ok());
    ASSERT_LE(page->objects.size(), 7u);
    for (const auto& info : page->objects) listed.push_back(info.key);
    if (!page->next_token.empty()) {
      EXPECT_EQ(page->next_token, page->objects.back().key);
    }
    token = page->next_token;
    pages++;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);  // 21 keys fill three pages exactly; no empty fourth page
  EXPECT_EQ(listed, keys);

  auto tail = store_->List("q/", "q/deep/110", 100);
  ASSERT_TRUE(tail.ok());
  ASSERT_FALSE(tail->objects.empty());
  EXPECT_GT(tail->objects.front().key, "q/deep/110");
  EXPECT_TRUE(tail->next_token.empty());
}

TEST_F(LocalStoreTest, ListNeverShowsTempOrLockFiles) {
  MustPut("dir/real", "x");
  WriteRawFile(".zerofs-tmp.0123456789abcdef");
  WriteRawFile("dir/.zerofs-tmp.fedcba9876543210");
  struct stat st;
  ASSERT_EQ(stat((root_ + "/.zerofs-lock").c_str(), &st), 0);
  EXPECT_EQ(Keys(""), std::vector<std::string>{"dir/real"});
  EXPECT_TRUE(Keys(".zerofs").empty());
}

TEST_F(LocalStoreTest, SweepRemovesOnlyStaleTempFiles) {
  MustPut("dir/real", "x");
  WriteRawFile(".zerofs-tmp.0000000000000001");
  WriteRawFile("dir/.zerofs-tmp.0000000000000002");
  auto young = store_->SweepTempFiles(std::chrono::hours(1));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(*young, 0u);
  usleep(2000);
  auto old = store_->SweepTempFiles(std::chrono::seconds(0));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 2u);
  EXPECT_EQ(Keys(""), std::vector<std::string>{"dir/real"});
  struct stat st;
  EXPECT_EQ(stat((root_ + "/.zerofs-lock").c_str(), &st), 0);
}

TEST_F(LocalStoreTest, ListRejectsZeroMaxKeys) {
  EXPECT_EQ(store_->List("", "", 0).error().code(), Code::kInvalidArgument);
}

TEST_F(LocalStoreTest, InvalidKeysAreRejectedByEveryCall) {
  const std::string bad[] = {"",
                             "/abs",
                             "a//b",
                             "a/",
                             "./a",
                             "a/./b",
                             "a/../b",
                             "..",
                             std::string("a\0b", 3),
                             ".zerofs-lock",
                             "x/.zerofs-tmp.1"};
  for (const std::string& key : bad) {
    SCOPED_TRACE(key);
    auto put = store_->Put(key, "x");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code(), Code::kInvalidArgument);
    EXPECT_NE(put.error().context().find("file://" + root_), std::string::npos);
    EXPECT_EQ(store_->Get(key).error().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->Head(key).error().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->Delete(key).error().code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(Keys("").empty());
  EXPECT_TRUE(store_->Put("ok/..dots/.hidden", "x").ok());  // dots inside names are fine
}

TEST_F(LocalStoreTest, DescribeIsTheFileUrl) { EXPECT_EQ(store_->Describe(), "file://" + root_); }

TEST_F(LocalStoreTest, ListAllFollowsEveryPage) {
  // A decorator that forces tiny pages, so ListAll must follow tokens.
  class TinyPages : public ObjectStore {
   public:
    explicit TinyPages(std::shared_ptr<ObjectStore> base) : base_(std::move(base)) {}
    Result<GetResult> Get(std::string_view k, std::optional<ByteRange> r) override {
      return base_->Get(k, r);
    }
    Result<ObjectInfo> Head(std::string_view k) override { return base_->Head(k); }
    Result<std::string> Put(std::string_view k, std::string_view d, const PutOptions& o) override {
      return base_->Put(k, d, o);
    }
    Result<ListPage> List(std::string_view p, std::string_view t, size_t) override {
      return base_->List(p, t, 2);
    }
    Status Delete(std::string_view k) override { return base_->Delete(k); }
    std::string Describe() const override { return base_->Describe(); }

   private:
    std::shared_ptr<ObjectStore> base_;
  };
  for (int i = 0; i < 9; i++) MustPut("k/" + std::to_string(i), "x");
  TinyPages tiny(store_);
  auto all = tiny.ListAll("k/");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 9u);
  for (int i = 0; i < 9; i++) EXPECT_EQ((*all)[i].key, "k/" + std::to_string(i));
}

TEST(LocalStoreOpenTest, CreatesMissingParents) {
  TestTempDir dir;
  std::string root = dir.path() + "/x/y/z/";
  auto store = LocalStore::Open(root);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ((*store)->Describe(), "file://" + dir.path() + "/x/y/z");
  struct stat st;
  EXPECT_EQ(stat((dir.path() + "/x/y/z").c_str(), &st), 0);
}

TEST(LocalStoreOpenTest, RejectsRelativePath) {
  auto store = LocalStore::Open("relative/dir");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), Code::kInvalidArgument);
  EXPECT_NE(store.error().context().find("file://relative/dir"), std::string::npos);
}

TEST(LocalStoreOpenTest, FileInTheWayNamesTheUrl) {
  TestTempDir dir;
  std::string file = dir.path() + "/file";
  std::ofstream(file) << "x";
  auto store = LocalStore::Open(file);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().context(), "file://" + file + ": not a directory");
  auto below = LocalStore::Open(file + "/sub");
  ASSERT_FALSE(below.ok());
  EXPECT_EQ(below.error().context(),
            "file://" + file + "/sub: cannot create directory: Not a directory");
}

// Runs `body` as an unprivileged user (in a child process when we are root,
// since root bypasses permission checks) and returns its exit status.
template <typename F>
int RunUnprivileged(F body) {
  if (geteuid() != 0) return body();
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(100);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 101;
}

TEST(LocalStoreOpenTest, UnwritableDirectoryIsPermissionDenied) {
  TestTempDir dir;
  std::string locked = dir.path() + "/locked";
  ASSERT_EQ(mkdir(locked.c_str(), 0755), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);  // reachable, but `locked` is not ours
  if (geteuid() != 0) {
    ASSERT_EQ(chmod(locked.c_str(), 0555), 0);
  }
  int rc = RunUnprivileged([&] {
    auto inside = LocalStore::Open(locked + "/store");
    if (inside.ok() || inside.error().code() != Code::kPermissionDenied) return 1;
    if (inside.error().context() !=
        "file://" + locked + "/store: cannot create directory: Permission denied") {
      return 2;
    }
    auto itself = LocalStore::Open(locked);
    if (itself.ok() || itself.error().code() != Code::kPermissionDenied) return 3;
    if (itself.error().context() != "file://" + locked + ": not writable: Permission denied") {
      return 4;
    }
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace zerofs::objstore
