// getdents/readdir: the listing reflects creates, unlinks and renames, and a
// directory changing during a listing neither duplicates nor skips the
// entries that existed the whole time.
#include <map>
#include <set>

#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("readdir", "an empty directory lists no names (besides . and ..)") {
  CHECK_OK(t.root.mkdir("d", 0755));
  std::vector<std::string> names;
  CHECK_OK(t.root.readdir("d", &names));
  CHECK(names.empty());
}

CASE("readdir", "lists exactly the names created") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/a", "x"));
  CHECK_OK(t.root.mkdir("d/b", 0755));
  CHECK_OK(t.root.symlink("a", "d/c"));
  CHECK_EQ(t.root.ls("d"), (std::vector<std::string>{"a", "b", "c"}));
}

CASE("readdir", "lists FIFOs and sockets", kFeatSpecial) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mknod("d/p", S_IFIFO | 0644));
  CHECK_OK(t.root.mknod("d/s", S_IFSOCK | 0644));
  CHECK_EQ(t.root.ls("d"), (std::vector<std::string>{"p", "s"}));
}

CASE("readdir", "an unlinked name disappears") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/a", "x"));
  CHECK_OK(t.root.put("d/b", "x"));
  CHECK_OK(t.root.unlink("d/a"));
  CHECK_EQ(t.root.ls("d"), std::vector<std::string>{"b"});
}

CASE("readdir", "a removed subdirectory disappears") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/sub", 0755));
  CHECK_OK(t.root.rmdir("d/sub"));
  CHECK(t.root.ls("d").empty());
}

CASE("readdir", "a rename within the directory replaces the old name with the new") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/old", "x"));
  CHECK_OK(t.root.rename("d/old", "d/new"));
  CHECK_EQ(t.root.ls("d"), std::vector<std::string>{"new"});
}

CASE("readdir", "a rename across directories moves the entry") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("b", 0755));
  CHECK_OK(t.root.put("a/f", "x"));
  CHECK_OK(t.root.rename("a/f", "b/f"));
  CHECK(t.root.ls("a").empty());
  CHECK_EQ(t.root.ls("b"), std::vector<std::string>{"f"});
}

CASE("readdir", "a rename over an existing name leaves one entry") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/a", "x"));
  CHECK_OK(t.root.put("d/b", "y"));
  CHECK_OK(t.root.rename("d/a", "d/b"));
  CHECK_EQ(t.root.ls("d"), std::vector<std::string>{"b"});
}

CASE("readdir", "hard links appear as separate names") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/a", "x"));
  CHECK_OK(t.root.link("d/a", "d/b"));
  CHECK_EQ(t.root.ls("d"), (std::vector<std::string>{"a", "b"}));
}

CASE("readdir", "entry inode numbers match stat") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  std::vector<DirEntry> entries;
  CHECK_EQ(t.root.readdir_chunk(h, 10, &entries), 2);
  t.root.close(h);
  for (const DirEntry& e : entries) CHECK_EQ(e.ino, t.root.lst("d/" + e.name).ino);
}

CASE("readdir", "255-byte names and unusual bytes are listed verbatim") {
  const std::vector<std::string> names = {NameOf(255),   "with space", "new\nline", "ütf-8 ✓",
                                          "back\\slash", "-dash",      ".hidden",   "..."};
  CHECK_OK(t.root.mkdir("d", 0755));
  for (const auto& n : names) CHECK_OK(t.root.put("d/" + n, "x"));
  CHECK_EQ(t.root.ls("d"), Sorted(names));
}

CASE("readdir", "a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  std::vector<std::string> names;
  CHECK_ERR(t.root.readdir("f", &names), ENOTDIR);
}

CASE("readdir", "a missing directory gives ENOENT") {
  std::vector<std::string> names;
  CHECK_ERR(t.root.readdir("missing", &names), ENOENT);
}

CASE("readdir", "a symlink to a directory is followed") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.symlink("d", "l"));
  CHECK_EQ(t.root.ls("l"), std::vector<std::string>{"f"});
}

CASE("readdir", "one entry at a time returns every entry once") {
  CHECK_OK(t.root.mkdir("d", 0755));
  std::vector<std::string> expect;
  for (int i = 0; i < 50; ++i) {
    expect.push_back("e" + std::to_string(i));
    CHECK_OK(t.root.put("d/" + expect.back(), ""));
  }
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  std::vector<DirEntry> entries;
  int n;
  while ((n = t.root.readdir_chunk(h, 1, &entries)) > 0) CHECK_EQ(n, 1);
  t.root.close(h);
  CHECK_OK(n);
  std::vector<std::string> got;
  for (auto& e : entries) got.push_back(e.name);
  CHECK_EQ(Sorted(got), Sorted(expect));
}

CASE("readdir", "two handles on one directory list independently") {
  CHECK_OK(t.root.mkdir("d", 0755));
  for (int i = 0; i < 10; ++i) CHECK_OK(t.root.put("d/f" + std::to_string(i), ""));
  int64_t a, b;
  CHECK_OK(a = t.root.open("d", O_RDONLY | O_DIRECTORY));
  CHECK_OK(b = t.root.open("d", O_RDONLY | O_DIRECTORY));
  std::vector<DirEntry> ea, eb;
  CHECK_EQ(t.root.readdir_chunk(a, 5, &ea), 5);
  CHECK_EQ(t.root.readdir_chunk(b, 100, &eb), 10);
  CHECK_EQ(t.root.readdir_chunk(a, 100, &ea), 5);
  t.root.close(a);
  t.root.close(b);
}

CASE("readdir", "2000 entries are all listed exactly once") {
  CHECK_OK(t.root.mkdir("d", 0755));
  std::vector<std::string> expect;
  for (int i = 0; i < 2000; ++i) {
    expect.push_back("entry-" + std::to_string(i));
    CHECK_OK(t.root.mknod("d/" + expect.back(), S_IFREG | 0644));
  }
  std::vector<std::string> names;
  CHECK_OK(t.root.readdir("d", &names));
  CHECK_EQ(names.size(), 2000u);
  CHECK_EQ(Sorted(names), Sorted(expect));
}

CASE("readdir", "a directory changing mid-listing keeps stable entries exactly once") {
  constexpr int kStable = 1500;
  CHECK_OK(t.root.mkdir("d", 0755));
  for (int i = 0; i < kStable; ++i)
    CHECK_OK(t.root.mknod("d/s" + std::to_string(i), S_IFREG | 0644));
  for (int i = 0; i < 200; ++i)
    CHECK_OK(t.root.mknod("d/gone" + std::to_string(i), S_IFREG | 0644));

  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  std::vector<DirEntry> entries;
  CHECK_OK(t.root.readdir_chunk(h, 700, &entries));
  // Mid-listing: remove some entries, add new ones, rename some of the added.
  for (int i = 0; i < 200; ++i) CHECK_OK(t.root.unlink("d/gone" + std::to_string(i)));
  for (int i = 0; i < 300; ++i) CHECK_OK(t.root.mknod("d/new" + std::to_string(i), S_IFREG | 0644));
  for (int i = 0; i < 100; ++i) {
    CHECK_OK(t.root.rename("d/new" + std::to_string(i), "d/renamed" + std::to_string(i)));
  }
  int n;
  while ((n = t.root.readdir_chunk(h, 256, &entries)) > 0) {
  }
  t.root.close(h);
  CHECK_OK(n);

  std::map<std::string, int> seen;
  for (const auto& e : entries) ++seen[e.name];
  for (const auto& [name, count] : seen)
    CHECK_EQ(name + " x" + std::to_string(count), name + " x1");
  for (int i = 0; i < kStable; ++i) CHECK_EQ(seen.count("s" + std::to_string(i)), 1u);
}

CASE("readdir", "a directory without read permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0711));
  std::vector<std::string> names;
  CHECK_ERR(t.u1.readdir("d", &names), EACCES);
}

}  // namespace
}  // namespace zerofs::conformance
