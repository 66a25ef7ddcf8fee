// unlink(2) and rmdir(2): removal rules and errno paths. Sticky-bit rules are
// in cases_perm.cc.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("unlink", "removes the name") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.unlink("f"));
  CHECK_ERR(t.root.lstat("f", nullptr), ENOENT);
  CHECK(t.root.ls("").empty());
}

CASE("unlink", "decrements the link count of the remaining names") {
  CHECK_OK(t.root.put("a", "x"));
  CHECK_OK(t.root.link("a", "b"));
  CHECK_OK(t.root.link("a", "c"));
  CHECK_OK(t.root.unlink("b"));
  CHECK_EQ(t.root.st("a").nlink, 2u);
}

CASE("unlink", "a directory gives EISDIR (Linux)") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.unlink("d"), EISDIR);
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("unlink", "a missing name gives ENOENT") { CHECK_ERR(t.root.unlink("missing"), ENOENT); }

CASE("unlink", "a missing parent gives ENOENT") { CHECK_ERR(t.root.unlink("missing/f"), ENOENT); }

CASE("unlink", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.unlink("f/g"), ENOTDIR);
}

CASE("unlink", "a trailing slash on a file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.unlink("f/"), ENOTDIR);
  CHECK(S_ISREG(t.root.st("f").mode));
}

CASE("unlink", "a 256-byte name gives ENAMETOOLONG") {
  CHECK_ERR(t.root.unlink(NameOf(256)), ENAMETOOLONG);
}

CASE("unlink", "a symlink is removed, not its target") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.unlink("l"));
  CHECK_ERR(t.root.lstat("l", nullptr), ENOENT);
  CHECK(S_ISREG(t.root.st("f").mode));
}

CASE("unlink", "a symlink to a directory is removed, not the directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("d", "l"));
  CHECK_OK(t.root.unlink("l"));
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("unlink", "an open file keeps its data until closed; fstat shows nlink 0") {
  CHECK_OK(t.root.put("f", "still here"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.unlink("f"));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100, 0), 10);
  CHECK_EQ(s, std::string("still here"));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(st.nlink, 0u);
  CHECK_OK(t.root.close(h));
}

CASE("unlink", "a name recreated after unlink is a new, independent file") {
  CHECK_OK(t.root.put("f", "old"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.unlink("f"));
  CHECK_OK(t.root.put("f", "brand new"));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100, 0), 3);
  CHECK_EQ(s, std::string("old"));
  t.root.close(h);
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("brand new"));
}

CASE("unlink", "a FIFO is removed", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0644));
  CHECK_OK(t.root.unlink("p"));
  CHECK_ERR(t.root.lstat("p", nullptr), ENOENT);
}

CASE("unlink", "directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.u1.put("d/f", "x"));
  CHECK_OK(t.root.chmod("d", 0555));
  CHECK_ERR(t.u1.unlink("d/f"), EACCES);
}

CASE("unlink", "directory without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.u1.put("d/f", "x"));
  CHECK_OK(t.root.chmod("d", 0666));
  CHECK_ERR(t.u1.unlink("d/f"), EACCES);
}

CASE("unlink", "needs no permission on the file itself", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.root.put("d/f", "x", 0));
  CHECK_OK(t.u1.unlink("d/f"));
}

CASE("unlink", "root removes from a directory with no permission bits", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.chmod("d", 0));
  CHECK_OK(t.root.unlink("d/f"));
}

CASE("rmdir", "removes an empty directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.rmdir("d"));
  CHECK_ERR(t.root.lstat("d", nullptr), ENOENT);
}

CASE("rmdir", "decrements the parent's link count", kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("p", 0755));
  CHECK_OK(t.root.mkdir("p/d", 0755));
  CHECK_OK(t.root.rmdir("p/d"));
  CHECK_EQ(t.root.st("p").nlink, 2u);
}

CASE("rmdir", "a directory with a file gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_ERR2(t.root.rmdir("d"), ENOTEMPTY, EEXIST);
}

CASE("rmdir", "a directory with only a subdirectory gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  CHECK_ERR2(t.root.rmdir("d"), ENOTEMPTY, EEXIST);
}

CASE("rmdir", "a directory with a dangling symlink gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("nowhere", "d/l"));
  CHECK_ERR2(t.root.rmdir("d"), ENOTEMPTY, EEXIST);
}

CASE("rmdir", "succeeds once the last entry is gone") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.unlink("d/f"));
  CHECK_OK(t.root.rmdir("d"));
}

CASE("rmdir", "a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rmdir("f"), ENOTDIR);
}

CASE("rmdir", "a symlink to a directory gives ENOTDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("d", "l"));
  CHECK_ERR(t.root.rmdir("l"), ENOTDIR);
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("rmdir", "a missing name gives ENOENT") { CHECK_ERR(t.root.rmdir("missing"), ENOENT); }

CASE("rmdir", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.rmdir("f/d"), ENOTDIR);
}

CASE("rmdir", "'.' as the last component gives EINVAL") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.rmdir("d/."), EINVAL);
}

CASE("rmdir", "'..' as the last component gives ENOTEMPTY or EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  CHECK_ERR2(t.root.rmdir("d/e/.."), ENOTEMPTY, EEXIST);
}

CASE("rmdir", "a trailing slash is accepted") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.rmdir("d/"));
  CHECK_ERR(t.root.lstat("d", nullptr), ENOENT);
}

CASE("rmdir", "a 256-byte name gives ENAMETOOLONG") {
  CHECK_ERR(t.root.rmdir(NameOf(256)), ENAMETOOLONG);
}

CASE("rmdir", "an open directory can be removed; its handle lists nothing") {
  CHECK_OK(t.root.mkdir("d", 0755));
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  CHECK_OK(t.root.rmdir("d"));
  std::vector<DirEntry> entries;
  CHECK_EQ(t.root.readdir_chunk(h, 100, &entries), 0);
  t.root.close(h);
}

CASE("rmdir", "creating inside a removed directory gives ENOENT") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.rmdir("d"));
  CHECK_ERR(t.root.put("d/f", "x"), ENOENT);
}

CASE("rmdir", "parent without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0777));
  CHECK_OK(t.u1.mkdir("p/d", 0755));
  CHECK_OK(t.root.chmod("p", 0555));
  CHECK_ERR(t.u1.rmdir("p/d"), EACCES);
}

CASE("rmdir", "parent without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0777));
  CHECK_OK(t.u1.mkdir("p/d", 0755));
  CHECK_OK(t.root.chmod("p", 0666));
  CHECK_ERR(t.u1.rmdir("p/d"), EACCES);
}

CASE("rmdir", "needs no permission on the removed directory itself", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0));
  CHECK_OK(t.u1.rmdir("d"));
}

}  // namespace
}  // namespace zerofs::conformance
