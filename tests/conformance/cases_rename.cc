// rename(2): replacement rules, directory rules and errno paths. Sticky-bit
// rules are in cases_perm.cc, timestamps in cases_times.cc.
#include <cstdio>

#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("rename", "a file moves to a new name in the same directory, keeping its inode") {
  CHECK_OK(t.root.put("a", "data"));
  uint64_t ino = t.root.st("a").ino;
  CHECK_OK(t.root.rename("a", "b"));
  CHECK_ERR(t.root.lstat("a", nullptr), ENOENT);
  CHECK_EQ(t.root.st("b").ino, ino);
  std::string s;
  CHECK_OK(t.root.get("b", &s));
  CHECK_EQ(s, std::string("data"));
}

CASE("rename", "a file moves to another directory") {
  CHECK_OK(t.root.mkdir("d1", 0755));
  CHECK_OK(t.root.mkdir("d2", 0755));
  CHECK_OK(t.root.put("d1/f", "data"));
  CHECK_OK(t.root.rename("d1/f", "d2/g"));
  CHECK(t.root.ls("d1").empty());
  CHECK_EQ(t.root.ls("d2"), std::vector<std::string>{"g"});
}

CASE("rename", "a file replaces an existing file atomically") {
  CHECK_OK(t.root.put("a", "new"));
  CHECK_OK(t.root.put("b", "old"));
  uint64_t ino = t.root.st("a").ino;
  CHECK_OK(t.root.rename("a", "b"));
  CHECK_EQ(t.root.st("b").ino, ino);
  std::string s;
  CHECK_OK(t.root.get("b", &s));
  CHECK_EQ(s, std::string("new"));
  CHECK_EQ(t.root.ls(""), std::vector<std::string>{"b"});
}

CASE("rename", "replacing a file drops one link of the replaced inode") {
  CHECK_OK(t.root.put("a", "new"));
  CHECK_OK(t.root.put("b", "old"));
  CHECK_OK(t.root.link("b", "b2"));
  CHECK_OK(t.root.rename("a", "b"));
  Stat st = t.root.st("b2");
  CHECK_EQ(st.nlink, 1u);
  std::string s;
  CHECK_OK(t.root.get("b2", &s));
  CHECK_EQ(s, std::string("old"));
}

CASE("rename", "a replaced file stays readable through an open handle") {
  CHECK_OK(t.root.put("a", "new"));
  CHECK_OK(t.root.put("b", "old"));
  int64_t h;
  CHECK_OK(h = t.root.open("b", O_RDONLY));
  CHECK_OK(t.root.rename("a", "b"));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 3);
  CHECK_EQ(s, std::string("old"));
  t.root.close(h);
}

CASE("rename", "a file onto a directory gives EISDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.rename("f", "d"), EISDIR);
  CHECK(S_ISREG(t.root.st("f").mode));
}

CASE("rename", "a directory onto a file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.rename("d", "f"), ENOTDIR);
}

CASE("rename", "a directory onto a symlink to a directory gives ENOTDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("e", 0755));
  CHECK_OK(t.root.symlink("e", "l"));
  CHECK_ERR(t.root.rename("d", "l"), ENOTDIR);
}

CASE("rename", "a directory replaces an empty directory") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.put("a/f", "x"));
  CHECK_OK(t.root.mkdir("b", 0755));
  uint64_t ino = t.root.st("a").ino;
  CHECK_OK(t.root.rename("a", "b"));
  CHECK_EQ(t.root.st("b").ino, ino);
  CHECK_EQ(t.root.ls("b"), std::vector<std::string>{"f"});
  CHECK_ERR(t.root.lstat("a", nullptr), ENOENT);
}

CASE("rename", "a directory onto a non-empty directory gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("b", 0755));
  CHECK_OK(t.root.put("b/f", "x"));
  CHECK_ERR2(t.root.rename("a", "b"), ENOTEMPTY, EEXIST);
  CHECK(S_ISDIR(t.root.st("a").mode));
  CHECK_EQ(t.root.ls("b"), std::vector<std::string>{"f"});
}

CASE("rename", "a directory onto a directory holding only a subdirectory gives ENOTEMPTY/EEXIST") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("b", 0755));
  CHECK_OK(t.root.mkdir("b/c", 0755));
  CHECK_ERR2(t.root.rename("a", "b"), ENOTEMPTY, EEXIST);
}

CASE("rename", "a directory into its own subdirectory gives EINVAL") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("a/b", 0755));
  CHECK_ERR(t.root.rename("a", "a/b/c"), EINVAL);
  CHECK_ERR(t.root.rename("a", "a/c"), EINVAL);
}

CASE("rename", "a directory onto its own ancestor gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("a/b", 0755));
  CHECK_ERR2(t.root.rename("a/b", "a"), ENOTEMPTY, EEXIST);
}

CASE("rename", "a missing source gives ENOENT") {
  CHECK_ERR(t.root.rename("missing", "b"), ENOENT);
}

CASE("rename", "a missing destination parent gives ENOENT") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rename("f", "missing/f"), ENOENT);
  CHECK(S_ISREG(t.root.st("f").mode));
}

CASE("rename", "a file as destination path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.put("g", "y"));
  CHECK_ERR(t.root.rename("f", "g/h"), ENOTDIR);
}

CASE("rename", "a file as source path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rename("f/x", "g"), ENOTDIR);
}

CASE("rename", "a file onto itself succeeds and changes nothing") {
  CHECK_OK(t.root.put("f", "x"));
  uint64_t ino = t.root.st("f").ino;
  CHECK_OK(t.root.rename("f", "f"));
  CHECK_EQ(t.root.st("f").ino, ino);
  CHECK_EQ(t.root.st("f").nlink, 1u);
}

CASE("rename", "a directory onto itself succeeds") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.rename("d", "d"));
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("rename", "between two hard links of one file does nothing and succeeds") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.link("a", "b"));
  CHECK_OK(t.root.rename("a", "b"));
  CHECK_EQ(t.root.ls(""), (std::vector<std::string>{"a", "b"}));
  CHECK_EQ(t.root.st("a").nlink, 2u);
}

CASE("rename", "a symlink is renamed itself, not its target") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.rename("l", "m"));
  CHECK(S_ISLNK(t.root.lst("m").mode));
  CHECK(S_ISREG(t.root.lst("f").mode));
  std::string target;
  CHECK_OK(t.root.readlink("m", &target));
  CHECK_EQ(target, std::string("f"));
}

CASE("rename", "a file onto a symlink replaces the symlink, not its target") {
  CHECK_OK(t.root.put("f", "new"));
  CHECK_OK(t.root.put("g", "old"));
  CHECK_OK(t.root.symlink("g", "l"));
  CHECK_OK(t.root.rename("f", "l"));
  CHECK(S_ISREG(t.root.lst("l").mode));
  std::string s;
  CHECK_OK(t.root.get("g", &s));
  CHECK_EQ(s, std::string("old"));
}

CASE("rename", "a dangling symlink can be renamed") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_OK(t.root.rename("l", "m"));
  CHECK(S_ISLNK(t.root.lst("m").mode));
}

CASE("rename", "a directory moved to another parent gets the new '..'") {
  CHECK_OK(t.root.mkdir("p1", 0755));
  CHECK_OK(t.root.mkdir("p2", 0755));
  CHECK_OK(t.root.mkdir("p1/d", 0755));
  CHECK_OK(t.root.rename("p1/d", "p2/d"));
  CHECK_EQ(t.root.st("p2/d/..").ino, t.root.st("p2").ino);
}

CASE("rename", "a directory moved across parents moves the parents' link counts", kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("p1", 0755));
  CHECK_OK(t.root.mkdir("p2", 0755));
  CHECK_OK(t.root.mkdir("p1/d", 0755));
  CHECK_OK(t.root.rename("p1/d", "p2/d"));
  CHECK_EQ(t.root.st("p1").nlink, 2u);
  CHECK_EQ(t.root.st("p2").nlink, 3u);
  CHECK_EQ(t.root.st("p2/d").nlink, 2u);
}

CASE("rename", "a directory replacing an empty directory leaves the parent's link count",
     kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("p", 0755));
  CHECK_OK(t.root.mkdir("p/a", 0755));
  CHECK_OK(t.root.mkdir("p/b", 0755));
  CHECK_OK(t.root.rename("p/a", "p/b"));
  CHECK_EQ(t.root.st("p").nlink, 3u);
}

CASE("rename", "a directory keeps its contents") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("a/sub", 0755));
  CHECK_OK(t.root.put("a/sub/f", "deep"));
  CHECK_OK(t.root.rename("a", "b"));
  std::string s;
  CHECK_OK(t.root.get("b/sub/f", &s));
  CHECK_EQ(s, std::string("deep"));
}

CASE("rename", "'.' or '..' as the source gives EINVAL or EBUSY") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  CHECK_ERR2(t.root.rename("d/.", "x"), EINVAL, EBUSY);
  CHECK_ERR2(t.root.rename("d/e/..", "x"), EINVAL, EBUSY);
}

CASE("rename", "'.' or '..' as the destination gives EINVAL, EBUSY or EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("e", 0755));
  int r = t.root.rename("e", "d/.");
  CHECK(r == -EINVAL || r == -EBUSY || r == -EEXIST || r == -ENOTEMPTY);
  CHECK(S_ISDIR(t.root.st("e").mode));
}

CASE("rename", "a trailing slash on a file source gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rename("f/", "g"), ENOTDIR);
}

CASE("rename", "a trailing slash on a new destination for a file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rename("f", "g/"), ENOTDIR);
}

CASE("rename", "trailing slashes on directory names are accepted") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.rename("d/", "e/"));
  CHECK(S_ISDIR(t.root.st("e").mode));
}

CASE("rename", "a 256-byte destination name gives ENAMETOOLONG") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rename("f", NameOf(256)), ENAMETOOLONG);
}

CASE("rename", "a 255-byte destination name is accepted") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.rename("f", NameOf(255)));
  CHECK(S_ISREG(t.root.st(NameOf(255)).mode));
}

CASE("rename", "the replaced directory's inode is gone") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("b", 0755));
  CHECK_OK(t.root.rename("a", "b"));
  CHECK_EQ(t.root.ls(""), std::vector<std::string>{"b"});
}

CASE("rename", "a FIFO can be renamed", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0644));
  CHECK_OK(t.root.rename("p", "q"));
  CHECK(S_ISFIFO(t.root.lst("q").mode));
}

CASE("rename", "source directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("src", 0555));
  CHECK_OK(t.root.put("src/f", "x", 0666));
  CHECK_OK(t.root.mkdir("dst", 0777));
  CHECK_ERR(t.u1.rename("src/f", "dst/f"), EACCES);
}

CASE("rename", "destination directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("src", 0777));
  CHECK_OK(t.u1.put("src/f", "x"));
  CHECK_OK(t.root.mkdir("dst", 0555));
  CHECK_ERR(t.u1.rename("src/f", "dst/f"), EACCES);
}

CASE("rename", "source directory without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("src", 0777));
  CHECK_OK(t.u1.put("src/f", "x"));
  CHECK_OK(t.root.chmod("src", 0666));
  CHECK_ERR(t.u1.rename("src/f", "g"), EACCES);
}

CASE("rename", "a directory moved to another parent needs write permission on itself", kFeatRoot) {
  CHECK_OK(t.u1.mkdir("p1", 0755));
  CHECK_OK(t.u1.mkdir("p2", 0755));
  CHECK_OK(t.root.mkdir("p1/d", 0755));  // owned by root: u1 cannot update its '..'
  CHECK_ERR(t.u1.rename("p1/d", "p2/d"), EACCES);
  CHECK_OK(t.u1.rename("p1/d", "p1/e"));  // same parent: '..' is unchanged
}

CASE("rename", "the file owner may rename it in a writable directory", kFeatRoot) {
  CHECK_OK(t.u1.mkdir("d", 0755));
  CHECK_OK(t.u1.put("d/f", "x"));
  CHECK_OK(t.u1.rename("d/f", "d/g"));
  CHECK_EQ(t.root.st("d/g").uid, kU1);
}

CASE("rename", "renaming does not change owner or mode", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0604));
  CHECK_OK(t.u1.rename("f", "g"));
  Stat st = t.root.st("g");
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(Perm(st), 0604u);
}

// ---- renameat2 flags -------------------------------------------------------

CASE("rename", "RENAME_NOREPLACE onto an existing name gives EEXIST and moves nothing",
     kFeatRenameFlags) {
  CHECK_OK(t.root.put("a", "A"));
  CHECK_OK(t.root.put("b", "B"));
  uint64_t a = t.root.st("a").ino, b = t.root.st("b").ino;
  CHECK_ERR(t.root.rename2("a", "b", RENAME_NOREPLACE), EEXIST);
  CHECK_EQ(t.root.st("a").ino, a);
  CHECK_EQ(t.root.st("b").ino, b);
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.rename2("a", "d", RENAME_NOREPLACE), EEXIST);
}

CASE("rename", "RENAME_NOREPLACE to a new name moves the file", kFeatRenameFlags) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("a", "A"));
  uint64_t a = t.root.st("a").ino;
  CHECK_OK(t.root.rename2("a", "d/b", RENAME_NOREPLACE));
  CHECK_ERR(t.root.lstat("a", nullptr), ENOENT);
  CHECK_EQ(t.root.st("d/b").ino, a);
}

CASE("rename", "RENAME_EXCHANGE swaps two files atomically", kFeatRenameFlags) {
  CHECK_OK(t.root.put("a", "AAA"));
  CHECK_OK(t.root.put("b", "B"));
  uint64_t a = t.root.st("a").ino, b = t.root.st("b").ino;
  CHECK_OK(t.root.rename2("a", "b", RENAME_EXCHANGE));
  CHECK_EQ(t.root.st("a").ino, b);
  CHECK_EQ(t.root.st("b").ino, a);
  std::string s;
  CHECK_OK(t.root.get("a", &s));
  CHECK_EQ(s, std::string("B"));
  CHECK_OK(t.root.get("b", &s));
  CHECK_EQ(s, std::string("AAA"));
  CHECK_EQ(t.root.ls(""), (std::vector<std::string>{"a", "b"}));
}

CASE("rename", "RENAME_EXCHANGE swaps a directory and a file across directories",
     kFeatRenameFlags) {
  CHECK_OK(t.root.mkdir("p1", 0755));
  CHECK_OK(t.root.mkdir("p2", 0755));
  CHECK_OK(t.root.mkdir("p1/d", 0755));
  CHECK_OK(t.root.put("p1/d/inside", "x"));
  CHECK_OK(t.root.put("p2/f", "F"));
  uint64_t d = t.root.st("p1/d").ino, f = t.root.st("p2/f").ino;
  CHECK_OK(t.root.rename2("p1/d", "p2/f", RENAME_EXCHANGE));
  CHECK_EQ(t.root.st("p2/f").ino, d);
  CHECK_EQ(t.root.st("p1/d").ino, f);
  CHECK(S_ISDIR(t.root.st("p2/f").mode));
  CHECK_EQ(t.root.ls("p2/f"), std::vector<std::string>{"inside"});
  // The directory's ".." follows it.
  CHECK_EQ(t.root.st("p2/f/..").ino, t.root.st("p2").ino);
}

CASE("rename", "RENAME_EXCHANGE moves the parents' link counts with a directory", kFeatRenameFlags,
     kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("p1", 0755));
  CHECK_OK(t.root.mkdir("p2", 0755));
  CHECK_OK(t.root.mkdir("p1/d", 0755));
  CHECK_OK(t.root.put("p2/f", "F"));
  CHECK_OK(t.root.rename2("p1/d", "p2/f", RENAME_EXCHANGE));
  CHECK_EQ(t.root.st("p1").nlink, 2u);
  CHECK_EQ(t.root.st("p2").nlink, 3u);
}

CASE("rename", "RENAME_EXCHANGE needs both names (ENOENT)", kFeatRenameFlags) {
  CHECK_OK(t.root.put("a", "A"));
  CHECK_ERR(t.root.rename2("a", "missing", RENAME_EXCHANGE), ENOENT);
  CHECK_ERR(t.root.rename2("missing", "a", RENAME_EXCHANGE), ENOENT);
  CHECK_EQ(t.root.ls(""), std::vector<std::string>{"a"});
}

CASE("rename", "RENAME_EXCHANGE of a directory with a name inside it gives EINVAL",
     kFeatRenameFlags) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/sub", 0755));
  CHECK_ERR(t.root.rename2("d", "d/sub", RENAME_EXCHANGE), EINVAL);
  CHECK_ERR(t.root.rename2("d/sub", "d", RENAME_EXCHANGE), EINVAL);
  CHECK_EQ(t.root.ls("d"), std::vector<std::string>{"sub"});
}

CASE("rename", "RENAME_NOREPLACE with RENAME_EXCHANGE gives EINVAL", kFeatRenameFlags) {
  CHECK_OK(t.root.put("a", "A"));
  CHECK_OK(t.root.put("b", "B"));
  CHECK_ERR(t.root.rename2("a", "b", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
  CHECK_EQ(t.root.ls(""), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace zerofs::conformance
