// mkdir(2): creation, mode, ownership and its errno paths.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("mkdir", "creates a directory with exactly the requested permission bits") {
  CHECK_OK(t.root.mkdir("d", 0751));
  Stat st = t.root.st("d");
  CHECK(S_ISDIR(st.mode));
  CHECK_EQ(Perm(st), 0751u);
}

CASE("mkdir", "keeps the sticky bit of the requested mode") {
  CHECK_OK(t.root.mkdir("d", 01777));
  CHECK_EQ(Perm(t.root.st("d")), 01777u);
}

CASE("mkdir", "ignores S_ISUID in the requested mode (Linux)") {
  CHECK_OK(t.root.mkdir("d", 04755));
  CHECK_EQ(Perm(t.root.st("d")), 0755u);
}

CASE("mkdir", "mode 0 gives a directory with no permission bits") {
  CHECK_OK(t.root.mkdir("d", 0));
  CHECK_EQ(Perm(t.root.st("d")), 0u);
}

CASE("mkdir", "a new directory is empty") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK(t.root.ls("d").empty());
}

CASE("mkdir", "a new directory has link count 2", kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_EQ(t.root.st("d").nlink, 2u);
}

CASE("mkdir", "increments the parent's link count", kFeatDirNlink) {
  CHECK_OK(t.root.mkdir("p", 0755));
  CHECK_OK(t.root.mkdir("p/a", 0755));
  CHECK_OK(t.root.mkdir("p/b", 0755));
  CHECK_EQ(t.root.st("p").nlink, 4u);
}

CASE("mkdir", "'..' of a new directory is its parent") {
  CHECK_OK(t.root.mkdir("p", 0755));
  CHECK_OK(t.root.mkdir("p/c", 0755));
  CHECK_EQ(t.root.st("p/c/..").ino, t.root.st("p").ino);
  CHECK_EQ(t.root.st("p/c/.").ino, t.root.st("p/c").ino);
}

CASE("mkdir", "existing directory gives EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.mkdir("d", 0755), EEXIST);
}

CASE("mkdir", "existing file gives EEXIST") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.mkdir("f", 0755), EEXIST);
}

CASE("mkdir", "existing dangling symlink gives EEXIST (not followed)") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_ERR(t.root.mkdir("l", 0755), EEXIST);
  CHECK_ERR(t.root.stat("nowhere", nullptr), ENOENT);
}

CASE("mkdir", "'.' and '..' as the last component give EEXIST") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.mkdir("d/.", 0755), EEXIST);
  CHECK_ERR(t.root.mkdir("d/..", 0755), EEXIST);
}

CASE("mkdir", "missing parent gives ENOENT") { CHECK_ERR(t.root.mkdir("missing/d", 0755), ENOENT); }

CASE("mkdir", "a file as a path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.mkdir("f/d", 0755), ENOTDIR);
}

CASE("mkdir", "a 255-byte name is accepted") {
  CHECK_OK(t.root.mkdir(NameOf(255), 0755));
  CHECK(S_ISDIR(t.root.st(NameOf(255)).mode));
}

CASE("mkdir", "a 256-byte name gives ENAMETOOLONG") {
  CHECK_ERR(t.root.mkdir(NameOf(256), 0755), ENAMETOOLONG);
}

CASE("mkdir", "a trailing slash is accepted") {
  CHECK_OK(t.root.mkdir("d/", 0755));
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("mkdir", "through a symlink to a directory in the prefix") {
  CHECK_OK(t.root.mkdir("real", 0755));
  CHECK_OK(t.root.symlink("real", "l"));
  CHECK_OK(t.root.mkdir("l/sub", 0755));
  CHECK(S_ISDIR(t.root.st("real/sub").mode));
}

CASE("mkdir", "owner is the caller's fsuid and group its fsgid", kFeatRoot) {
  CHECK_OK(t.u1.mkdir("d", 0755));
  Stat st = t.root.st("d");
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(st.gid, kG1);
}

CASE("mkdir", "parent without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0555));
  CHECK_ERR(t.u1.mkdir("p/d", 0755), EACCES);
}

CASE("mkdir", "parent without search permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0666));
  CHECK_ERR(t.u1.mkdir("p/d", 0755), EACCES);
}

CASE("mkdir", "root creates in a directory with no permission bits", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0));
  CHECK_OK(t.root.mkdir("p/d", 0755));
}

CASE("mkdir", "EEXIST takes precedence over missing write permission", kFeatRoot) {
  CHECK_OK(t.root.mkdir("p", 0755));
  CHECK_OK(t.root.mkdir("p/d", 0755));
  CHECK_ERR(t.u1.mkdir("p/d", 0755), EEXIST);
}

}  // namespace
}  // namespace zerofs::conformance
