// symlink(2) and readlink(2): the link is stored verbatim and resolved
// relative to its own directory when followed.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("symlink", "creates a symlink whose readlink is the target") {
  CHECK_OK(t.root.symlink("some/target", "l"));
  CHECK(S_ISLNK(t.root.lst("l").mode));
  std::string target;
  CHECK_EQ(t.root.readlink("l", &target), 11);
  CHECK_EQ(target, std::string("some/target"));
}

CASE("symlink", "st_size of a symlink is the target length") {
  CHECK_OK(t.root.symlink("abcdefg", "l"));
  CHECK_EQ(t.root.lst("l").size, 7);
}

CASE("symlink", "the target is stored verbatim, not normalised") {
  const std::string kTarget = "a//b/./../c/";
  CHECK_OK(t.root.symlink(kTarget, "l"));
  std::string target;
  CHECK_OK(t.root.readlink("l", &target));
  CHECK_EQ(target, kTarget);
}

CASE("symlink", "an absolute target is stored verbatim") {
  CHECK_OK(t.root.symlink("/nonexistent/abs/path", "l"));
  std::string target;
  CHECK_OK(t.root.readlink("l", &target));
  CHECK_EQ(target, std::string("/nonexistent/abs/path"));
}

CASE("symlink", "a 1000-byte target round-trips") {
  std::string kTarget;
  for (int i = 0; i < 100; ++i) kTarget += "component/";
  CHECK_OK(t.root.symlink(kTarget, "l"));
  std::string target;
  CHECK_EQ(t.root.readlink("l", &target), 1000);
  CHECK_EQ(target, kTarget);
}

CASE("symlink", "a target of PATH_MAX bytes or more gives ENAMETOOLONG") {
  CHECK_ERR(t.root.symlink(std::string(4096, 'a'), "l"), ENAMETOOLONG);
}

CASE("symlink", "an empty target gives ENOENT (Linux)") {
  CHECK_ERR(t.root.symlink("", "l"), ENOENT);
}

CASE("symlink", "a dangling target is allowed; stat gives ENOENT, lstat succeeds") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_ERR(t.root.stat("l", nullptr), ENOENT);
  CHECK_OK(t.root.lstat("l", nullptr));
}

CASE("symlink", "an existing name gives EEXIST") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.symlink("target", "f"), EEXIST);
}

CASE("symlink", "an existing dangling symlink as the name gives EEXIST") {
  CHECK_OK(t.root.symlink("a", "l"));
  CHECK_ERR(t.root.symlink("b", "l"), EEXIST);
}

CASE("symlink", "a missing parent gives ENOENT") {
  CHECK_ERR(t.root.symlink("target", "missing/l"), ENOENT);
}

CASE("symlink", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.symlink("target", "f/l"), ENOTDIR);
}

CASE("symlink", "a 256-byte name gives ENAMETOOLONG") {
  CHECK_ERR(t.root.symlink("target", NameOf(256)), ENAMETOOLONG);
}

CASE("symlink", "has mode 0777 and link count 1") {
  CHECK_OK(t.root.symlink("target", "l"));
  Stat st = t.root.lst("l");
  CHECK_EQ(Perm(st), 0777u);
  CHECK_EQ(st.nlink, 1u);
}

CASE("symlink", "stat follows the link to the target") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_EQ(t.root.st("l").ino, t.root.st("f").ino);
  CHECK(S_ISREG(t.root.st("l").mode));
  CHECK_NE(t.root.lst("l").ino, t.root.st("f").ino);
}

CASE("symlink", "open follows the link") {
  CHECK_OK(t.root.put("f", "through"));
  CHECK_OK(t.root.symlink("f", "l"));
  std::string s;
  CHECK_OK(t.root.get("l", &s));
  CHECK_EQ(s, std::string("through"));
}

CASE("symlink", "a relative target resolves from the link's directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "inner"));
  CHECK_OK(t.root.put("f", "outer"));
  CHECK_OK(t.root.symlink("f", "d/l"));
  std::string s;
  CHECK_OK(t.root.get("d/l", &s));
  CHECK_EQ(s, std::string("inner"));
}

CASE("symlink", "'..' in a target climbs from the link's directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("f", "outer"));
  CHECK_OK(t.root.symlink("../f", "d/l"));
  std::string s;
  CHECK_OK(t.root.get("d/l", &s));
  CHECK_EQ(s, std::string("outer"));
}

CASE("symlink", "a symlink to a directory works as a path prefix") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.symlink("d", "l"));
  CHECK_EQ(t.root.st("l/f").ino, t.root.st("d/f").ino);
}

CASE("symlink", "a chain of symlinks is followed") {
  CHECK_OK(t.root.put("f", "end"));
  CHECK_OK(t.root.symlink("f", "l0"));
  for (int i = 1; i < 8; ++i) {
    CHECK_OK(t.root.symlink("l" + std::to_string(i - 1), "l" + std::to_string(i)));
  }
  std::string s;
  CHECK_OK(t.root.get("l7", &s));
  CHECK_EQ(s, std::string("end"));
}

CASE("symlink", "a trailing slash on a symlink to a directory resolves the directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("d", "l"));
  Stat st;
  CHECK_OK(t.root.lstat("l/", &st));
  CHECK(S_ISDIR(st.mode));
}

CASE("symlink", "a trailing slash on a symlink to a file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_ERR(t.root.stat("l/", nullptr), ENOTDIR);
}

CASE("symlink", "a symlink to a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_ERR(t.root.stat("l/x", nullptr), ENOTDIR);
}

CASE("symlink", "a dangling symlink as path prefix gives ENOENT") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_ERR(t.root.stat("l/x", nullptr), ENOENT);
}

CASE("symlink", "readlink keeps the target after the target is removed") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.unlink("f"));
  std::string target;
  CHECK_OK(t.root.readlink("l", &target));
  CHECK_EQ(target, std::string("f"));
}

CASE("symlink", "a symlink re-resolves when its target is replaced") {
  CHECK_OK(t.root.put("f", "first"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.unlink("f"));
  CHECK_OK(t.root.put("f", "second"));
  std::string s;
  CHECK_OK(t.root.get("l", &s));
  CHECK_EQ(s, std::string("second"));
}

CASE("readlink", "a regular file gives EINVAL") {
  CHECK_OK(t.root.put("f", "x"));
  std::string target;
  CHECK_ERR(t.root.readlink("f", &target), EINVAL);
}

CASE("readlink", "a directory gives EINVAL") {
  CHECK_OK(t.root.mkdir("d", 0755));
  std::string target;
  CHECK_ERR(t.root.readlink("d", &target), EINVAL);
}

CASE("readlink", "a missing name gives ENOENT") {
  std::string target;
  CHECK_ERR(t.root.readlink("missing", &target), ENOENT);
}

CASE("readlink", "a symlink in the path prefix is followed") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("inner-target", "d/l"));
  CHECK_OK(t.root.symlink("d", "dl"));
  std::string target;
  CHECK_OK(t.root.readlink("dl/l", &target));
  CHECK_EQ(target, std::string("inner-target"));
}

CASE("symlink", "the owner is the caller's fsuid and fsgid", kFeatRoot) {
  CHECK_OK(t.u1.symlink("target", "l"));
  Stat st = t.root.lst("l");
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(st.gid, kG1);
}

CASE("symlink", "directory without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_ERR(t.u1.symlink("target", "d/l"), EACCES);
}

CASE("symlink", "following needs search permission on the target's directories", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0700));
  CHECK_OK(t.root.put("d/f", "x", 0666));
  CHECK_OK(t.root.symlink("d/f", "l"));
  CHECK_ERR(t.u1.stat("l", nullptr), EACCES);
  CHECK_OK(t.u1.lstat("l", nullptr));
}

}  // namespace
}  // namespace zerofs::conformance
