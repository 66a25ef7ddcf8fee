// open(2) and creat(2): creation, flags and their errno paths. Permission
// classes in general live in cases_perm.cc.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("open", "O_CREAT creates a regular file with exactly the requested mode") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_WRONLY, 0640));
  CHECK_OK(t.root.close(h));
  Stat st = t.root.st("f");
  CHECK(S_ISREG(st.mode));
  CHECK_EQ(Perm(st), 0640u);
  CHECK_EQ(st.size, 0);
  CHECK_EQ(st.nlink, 1u);
}

CASE("open", "O_CREAT keeps S_ISUID, S_ISGID and S_ISVTX of the requested mode as root",
     kFeatRoot) {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_WRONLY, 07755));
  t.root.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 07755u);
}

CASE("open", "O_CREAT on an existing file opens it and keeps content and mode") {
  CHECK_OK(t.root.put("f", "hello", 0600));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0777));
  t.root.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0600u);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("hello"));
}

CASE("open", "O_CREAT|O_EXCL on an existing file gives EEXIST") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.open("f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
}

CASE("open", "O_CREAT|O_EXCL on an existing directory gives EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.open("d", O_CREAT | O_EXCL | O_RDONLY, 0644), EEXIST);
}

CASE("open", "O_CREAT|O_EXCL on a dangling symlink gives EEXIST and creates nothing") {
  CHECK_OK(t.root.symlink("target", "l"));
  CHECK_ERR(t.root.open("l", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  CHECK_ERR(t.root.lstat("target", nullptr), ENOENT);
}

CASE("open", "O_CREAT|O_EXCL on a symlink to an existing file gives EEXIST") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_ERR(t.root.open("l", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
}

CASE("open", "O_CREAT through a dangling symlink creates its target") {
  CHECK_OK(t.root.symlink("target", "l"));
  int64_t h;
  CHECK_OK(h = t.root.open("l", O_CREAT | O_WRONLY, 0644));
  t.root.close(h);
  CHECK(S_ISREG(t.root.lst("target").mode));
  CHECK(S_ISLNK(t.root.lst("l").mode));
}

CASE("open", "O_CREAT|O_EXCL|O_NOFOLLOW on a new name creates it") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, 0644));
  t.root.close(h);
  CHECK(S_ISREG(t.root.st("f").mode));
}

CASE("open", "without O_CREAT a missing file gives ENOENT") {
  CHECK_ERR(t.root.open("f", O_RDONLY), ENOENT);
}

CASE("open", "O_CREAT with a missing parent gives ENOENT") {
  CHECK_ERR(t.root.open("missing/f", O_CREAT | O_WRONLY, 0644), ENOENT);
}

CASE("open", "O_CREAT with a file as a path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.open("f/g", O_CREAT | O_WRONLY, 0644), ENOTDIR);
}

CASE("open", "a directory opened O_WRONLY gives EISDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.open("d", O_WRONLY), EISDIR);
}

CASE("open", "a directory opened O_RDWR gives EISDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.open("d", O_RDWR), EISDIR);
}

CASE("open", "a directory opened O_RDONLY succeeds") {
  CHECK_OK(t.root.mkdir("d", 0755));
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY));
  CHECK_OK(t.root.close(h));
}

CASE("open", "O_CREAT on an existing directory gives EISDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.open("d", O_CREAT | O_RDONLY, 0644), EISDIR);
}

CASE("open", "O_CREAT with a trailing slash gives EISDIR") {
  CHECK_ERR(t.root.open("f/", O_CREAT | O_WRONLY, 0644), EISDIR);
  CHECK_ERR(t.root.lstat("f", nullptr), ENOENT);
}

CASE("open", "O_DIRECTORY on a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

CASE("open", "O_DIRECTORY on a symlink to a directory follows it") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("d", "l"));
  int64_t h;
  CHECK_OK(h = t.root.open("l", O_RDONLY | O_DIRECTORY));
  t.root.close(h);
}

CASE("open", "a trailing slash on a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.open("f/", O_RDONLY), ENOTDIR);
}

CASE("open", "O_NOFOLLOW on a symlink gives ELOOP") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_ERR(t.root.open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
}

CASE("open", "O_NOFOLLOW still follows symlinks in the path prefix") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.symlink("d", "l"));
  int64_t h;
  CHECK_OK(h = t.root.open("l/f", O_RDONLY | O_NOFOLLOW));
  t.root.close(h);
}

CASE("open", "O_NOFOLLOW on a regular file succeeds") {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY | O_NOFOLLOW));
  t.root.close(h);
}

CASE("open", "O_TRUNC empties an existing file") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY | O_TRUNC));
  t.root.close(h);
  CHECK_EQ(t.root.st("f").size, 0);
}

CASE("open", "O_TRUNC keeps the inode") {
  CHECK_OK(t.root.put("f", "0123456789"));
  uint64_t ino = t.root.st("f").ino;
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR | O_TRUNC));
  t.root.close(h);
  CHECK_EQ(t.root.st("f").ino, ino);
}

CASE("open", "creat() on an existing file truncates it") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.creat("f", 0644));
  t.root.close(h);
  CHECK_EQ(t.root.st("f").size, 0);
}

CASE("open", "O_APPEND writes go to the end of the file") {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY | O_APPEND));
  CHECK_EQ(t.root.write(h, "de"), 2);
  CHECK_EQ(t.root.write(h, "f"), 1);
  t.root.close(h);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("abcdef"));
}

CASE("open", "O_APPEND appends after data written through another handle") {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t a, b;
  CHECK_OK(a = t.root.open("f", O_WRONLY | O_APPEND));
  CHECK_OK(b = t.root.open("f", O_WRONLY));
  CHECK_EQ(t.root.pwrite(b, "XYZ", 3), 3);
  CHECK_EQ(t.root.write(a, "!"), 1);
  t.root.close(a);
  t.root.close(b);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("abcXYZ!"));
}

CASE("open", "sequential write() advances the file offset") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_WRONLY, 0644));
  CHECK_EQ(t.root.write(h, "ab"), 2);
  CHECK_EQ(t.root.write(h, "cd"), 2);
  t.root.close(h);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("abcd"));
}

CASE("open", "a 255-byte name can be created and opened") {
  int64_t h;
  CHECK_OK(h = t.root.open(NameOf(255), O_CREAT | O_WRONLY, 0644));
  t.root.close(h);
  CHECK_OK(h = t.root.open(NameOf(255), O_RDONLY));
  t.root.close(h);
}

CASE("open", "a 256-byte name gives ENAMETOOLONG") {
  CHECK_ERR(t.root.open(NameOf(256), O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
  CHECK_ERR(t.root.open(NameOf(256), O_RDONLY), ENAMETOOLONG);
}

CASE("open", "a handle stays usable after its name is unlinked") {
  CHECK_OK(t.root.put("f", "data"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.unlink("f"));
  CHECK_EQ(t.root.pwrite(h, "DA", 0), 2);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 4);
  CHECK_EQ(s, std::string("DAta"));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(st.nlink, 0u);
  CHECK_OK(t.root.close(h));
}

CASE("open", "pwrite on an O_RDONLY handle gives EBADF") {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_ERR(t.root.pwrite(h, "y", 0), EBADF);
  t.root.close(h);
}

CASE("open", "pread on an O_WRONLY handle gives EBADF") {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  std::string s;
  CHECK_ERR(t.root.pread(h, &s, 1, 0), EBADF);
  t.root.close(h);
}

CASE("open", "O_CREAT gives the caller's fsuid and fsgid as owner", kFeatRoot) {
  int64_t h;
  CHECK_OK(h = t.u1.open("f", O_CREAT | O_WRONLY, 0644));
  t.u1.close(h);
  Stat st = t.root.st("f");
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(st.gid, kG1);
}

CASE("open", "O_CREAT in a directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_ERR(t.u1.open("d/f", O_CREAT | O_WRONLY, 0644), EACCES);
}

CASE("open", "O_CREAT in a directory without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0666));
  CHECK_ERR(t.u1.open("d/f", O_CREAT | O_WRONLY, 0644), EACCES);
}

CASE("open", "O_CREAT of an existing file needs no write permission on the directory", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x", 0666));
  int64_t h;
  CHECK_OK(h = t.u1.open("d/f", O_CREAT | O_WRONLY, 0644));
  t.u1.close(h);
}

CASE("open", "O_CREAT|O_EXCL on an existing name gives EEXIST even without write permission",
     kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_ERR(t.u1.open("d/f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
}

CASE("open", "O_TRUNC needs write permission even with O_RDONLY", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "data", 0444));
  CHECK_ERR(t.u1.open("f", O_RDONLY | O_TRUNC), EACCES);
  CHECK_EQ(t.root.st("f").size, 4);
}

CASE("open", "the requested mode does not restrict the creating handle", kFeatRoot) {
  int64_t h;
  CHECK_OK(h = t.u1.open("f", O_CREAT | O_RDWR, 0));
  CHECK_EQ(t.u1.pwrite(h, "ok", 0), 2);
  t.u1.close(h);
  CHECK_ERR(t.u1.open("f", O_RDONLY), EACCES);
}

}  // namespace
}  // namespace zerofs::conformance
