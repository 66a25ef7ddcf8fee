// ReadDir paging and cookie stability.
#include <map>
#include <set>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

// Lists `dir` in pages of `page`, calling `between` after each page.
std::vector<DirEntry> ListAll(FileSystem* fs, InodeId dir, size_t page,
                              const std::function<void(int)>& between = nullptr) {
  std::vector<DirEntry> all;
  uint64_t cookie = 0;
  for (int n = 0;; n++) {
    ReadDirOptions o;
    o.max_entries = page;
    auto r = fs->ReadDir(Cred::Root(), dir, cookie, o);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (!r.ok()) break;
    EXPECT_LE(r->entries.size(), page);
    for (auto& e : r->entries) all.push_back(e);
    if (!r->entries.empty()) cookie = r->entries.back().cookie;
    if (r->eof) break;
    if (between) between(n);
  }
  return all;
}

TEST_F(FsTest, ReadDirListsDotsThenEntriesWithTypes) {
  Attr d = MkdirOk(kRootInode, "d");
  CreateOk(d.ino, "f");
  MkdirOk(d.ino, "sub");
  ASSERT_TRUE(fs_->Symlink(Cred::Root(), d.ino, "l", "x").ok());
  auto all = ListAll(fs_.get(), d.ino, 2);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].name, ".");
  EXPECT_EQ(all[0].ino, d.ino);
  EXPECT_EQ(all[1].name, "..");
  EXPECT_EQ(all[1].ino, kRootInode);
  EXPECT_EQ(all[2].name, "f");
  EXPECT_EQ(all[2].type, FileType::kRegular);
  EXPECT_EQ(all[3].type, FileType::kDirectory);
  EXPECT_EQ(all[4].type, FileType::kSymlink);
  ReadDirOptions plus;
  plus.with_attrs = true;
  auto r = fs_->ReadDir(Cred::Root(), d.ino, 0, plus);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->eof);
  for (auto& e : r->entries) {
    ASSERT_TRUE(e.attr.has_value()) << e.name;
    EXPECT_EQ(e.attr->ino, e.ino);
  }
  Attr f = CreateOk(kRootInode, "plain");
  EXPECT_EQ(Errno(fs_->ReadDir(Cred::Root(), f.ino, 0)), ENOTDIR);
}

TEST_F(FsTest, ReadDirIsStableWhileTheDirectoryChanges) {
  Attr d = MkdirOk(kRootInode, "d");
  std::set<std::string> stable;
  for (int i = 0; i < 300; i++) {
    std::string name = "f" + std::to_string(i);
    CreateOk(d.ino, name);
    if (i % 3 != 0) stable.insert(name);  // every third one is removed mid-listing
  }
  int added = 0;
  auto all = ListAll(fs_.get(), d.ino, 17, [&](int page) {
    // Between pages: delete some entries (before and after the cursor),
    // add new ones, rename one of the doomed ones.
    for (int i = page * 30; i < page * 30 + 30 && i < 300; i += 3) {
      ASSERT_TRUE(fs_->Unlink(Cred::Root(), d.ino, "f" + std::to_string(i)).ok());
    }
    CreateOk(d.ino, "new" + std::to_string(added++));
  });
  std::map<std::string, int> seen;
  for (auto& e : all) seen[e.name]++;
  for (auto& [name, n] : seen) EXPECT_EQ(n, 1) << name << " returned twice";
  for (auto& name : stable) EXPECT_EQ(seen.count(name), 1u) << name << " skipped";
}

TEST_F(FsTest, ReplacedNameKeepsItsPlaceInAListing) {
  Attr d = MkdirOk(kRootInode, "d");
  CreateOk(d.ino, "a");
  CreateOk(d.ino, "b");
  CreateOk(d.ino, "c");
  ReadDirOptions o;
  o.max_entries = 3;  // ".", "..", "a"
  auto first = fs_->ReadDir(Cred::Root(), d.ino, 0, o);
  ASSERT_TRUE(fs_->Rename(Cred::Root(), d.ino, "c", d.ino, "a").ok());
  auto rest = fs_->ReadDir(Cred::Root(), d.ino, first->entries.back().cookie);
  ASSERT_EQ(rest->entries.size(), 1u);
  EXPECT_EQ(rest->entries[0].name, "b");
}

TEST_F(FsTest, LargeDirectoryListsInBoundedPages) {
  Attr d = MkdirOk(kRootInode, "big");
  const int kEntries = 20000;
  for (int i = 0; i < kEntries; i++) {
    ASSERT_TRUE(fs_->Create(Cred::Root(), d.ino, "entry-" + std::to_string(i), 0644, true).ok());
  }
  std::set<std::string> names;
  size_t pages = 0;
  uint64_t cookie = 0;
  for (;;) {
    ReadDirOptions o;
    o.max_entries = 1000;
    auto r = fs_->ReadDir(Cred::Root(), d.ino, cookie, o);
    ASSERT_TRUE(r.ok());
    ASSERT_LE(r->entries.size(), 1000u);
    pages++;
    for (auto& e : r->entries) names.insert(e.name);
    if (r->eof) break;
    cookie = r->entries.back().cookie;
  }
  EXPECT_EQ(names.size(), kEntries + 2u);
  EXPECT_GE(pages, 21u);
  EXPECT_EQ(AttrOf(d.ino).nlink, 2u);
}

}  // namespace
}  // namespace zerofs::fs
