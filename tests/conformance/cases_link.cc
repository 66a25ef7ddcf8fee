// link(2): hard links share one inode; errno paths.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("link", "creates a second name for the same inode; both show nlink 2") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.link("a", "b"));
  Stat a = t.root.st("a"), b = t.root.st("b");
  CHECK_EQ(a.ino, b.ino);
  CHECK_EQ(a.nlink, 2u);
  CHECK_EQ(b.nlink, 2u);
}

CASE("link", "data written through one name is read through the other") {
  CHECK_OK(t.root.put("a", "one"));
  CHECK_OK(t.root.link("a", "b"));
  int64_t h;
  CHECK_OK(h = t.root.open("b", O_WRONLY));
  CHECK_EQ(t.root.pwrite(h, "two", 0), 3);
  t.root.close(h);
  std::string s;
  CHECK_OK(t.root.get("a", &s));
  CHECK_EQ(s, std::string("two"));
}

CASE("link", "attribute changes through one name show through the other") {
  CHECK_OK(t.root.put("a", "x", 0644));
  CHECK_OK(t.root.link("a", "b"));
  CHECK_OK(t.root.chmod("b", 0600));
  CHECK_EQ(Perm(t.root.st("a")), 0600u);
}

CASE("link", "into another directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.link("a", "d/b"));
  CHECK_EQ(t.root.st("d/b").ino, t.root.st("a").ino);
}

CASE("link", "counts many links") {
  CHECK_OK(t.root.put("a", "x"));
  for (int i = 0; i < 20; ++i) CHECK_OK(t.root.link("a", "l" + std::to_string(i)));
  CHECK_EQ(t.root.st("a").nlink, 21u);
  for (int i = 0; i < 20; ++i) CHECK_OK(t.root.unlink("l" + std::to_string(i)));
  CHECK_EQ(t.root.st("a").nlink, 1u);
}

CASE("link", "removing one name leaves the other with nlink 1 and the data") {
  CHECK_OK(t.root.put("a", "keep"));
  CHECK_OK(t.root.link("a", "b"));
  CHECK_OK(t.root.unlink("a"));
  Stat b = t.root.st("b");
  CHECK_EQ(b.nlink, 1u);
  std::string s;
  CHECK_OK(t.root.get("b", &s));
  CHECK_EQ(s, std::string("keep"));
}

CASE("link", "an existing destination file gives EEXIST") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.put("b", "y"));
  CHECK_ERR(t.root.link("a", "b"), EEXIST);
}

CASE("link", "an existing destination directory gives EEXIST") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.link("a", "d"), EEXIST);
}

CASE("link", "an existing dangling symlink as destination gives EEXIST") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_ERR(t.root.link("a", "l"), EEXIST);
}

CASE("link", "linking to a name of the same inode gives EEXIST") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a", "a"), EEXIST);
}

CASE("link", "a directory as source gives EPERM") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.link("d", "e"), EPERM);
}

CASE("link", "a missing source gives ENOENT") { CHECK_ERR(t.root.link("missing", "b"), ENOENT); }

CASE("link", "a missing destination parent gives ENOENT") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a", "missing/b"), ENOENT);
}

CASE("link", "a file as source path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a/x", "b"), ENOTDIR);
}

CASE("link", "a file as destination path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a", "a/b"), ENOTDIR);
}

CASE("link", "a trailing slash on a file source gives ENOTDIR") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a/", "b"), ENOTDIR);
}

CASE("link", "a 256-byte destination name gives ENAMETOOLONG") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_ERR(t.root.link("a", NameOf(256)), ENAMETOOLONG);
}

CASE("link", "a symlink source links the symlink itself, not its target") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.link("l", "m"));
  Stat m = t.root.lst("m");
  CHECK(S_ISLNK(m.mode));
  CHECK_EQ(m.ino, t.root.lst("l").ino);
  CHECK_EQ(t.root.st("f").nlink, 1u);
}

CASE("link", "a dangling symlink can be hard-linked") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_OK(t.root.link("l", "m"));
  CHECK_EQ(t.root.lst("m").nlink, 2u);
}

CASE("link", "a FIFO can be hard-linked", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0644));
  CHECK_OK(t.root.link("p", "q"));
  CHECK_EQ(t.root.lst("q").nlink, 2u);
  CHECK(S_ISFIFO(t.root.lst("q").mode));
}

CASE("link", "an unlinked-but-open file cannot get a new name through its old path") {
  CHECK_OK(t.root.put("a", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("a", O_RDONLY));
  CHECK_OK(t.root.unlink("a"));
  CHECK_ERR(t.root.link("a", "b"), ENOENT);
  t.root.close(h);
}

CASE("link", "destination directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.u1.put("a", "x"));
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_ERR(t.u1.link("a", "d/b"), EACCES);
}

CASE("link", "source directory without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.u1.put("d/a", "x"));
  CHECK_OK(t.root.chmod("d", 0666));
  CHECK_ERR(t.u1.link("d/a", "b"), EACCES);
}

CASE("link", "the owner may link its own file", kFeatRoot) {
  CHECK_OK(t.u1.put("a", "x", 0600));
  CHECK_OK(t.u1.link("a", "b"));
  CHECK_EQ(t.root.st("b").uid, kU1);
}

}  // namespace
}  // namespace zerofs::conformance
