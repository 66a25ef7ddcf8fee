// path_resolution(7): components, '.', '..', repeated and trailing slashes,
// name and path length limits, and symlink loops.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("path", "'.' names the directory itself") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_EQ(t.root.st("d/./f").ino, t.root.st("d/f").ino);
  CHECK_EQ(t.root.st("d/.").ino, t.root.st("d").ino);
}

CASE("path", "'..' names the parent directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  CHECK_OK(t.root.put("f", "x"));
  CHECK_EQ(t.root.st("d/e/../../f").ino, t.root.st("f").ino);
  CHECK_EQ(t.root.st("d/e/..").ino, t.root.st("d").ino);
}

CASE("path", "repeated slashes act as one") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_EQ(t.root.st("d///f").ino, t.root.st("d/f").ino);
}

CASE("path", "a trailing slash on a directory is accepted") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK(S_ISDIR(t.root.st("d/").mode));
  CHECK(S_ISDIR(t.root.st("d//").mode));
}

CASE("path", "a trailing slash on a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.stat("f/", nullptr), ENOTDIR);
  CHECK_ERR(t.root.lstat("f/", nullptr), ENOTDIR);
}

CASE("path", "a trailing '/.' on a regular file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.stat("f/.", nullptr), ENOTDIR);
}

CASE("path", "a regular file in the prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.stat("f/g", nullptr), ENOTDIR);
  CHECK_ERR(t.root.stat("f/..", nullptr), ENOTDIR);
}

CASE("path", "a missing directory in the prefix gives ENOENT") {
  CHECK_ERR(t.root.stat("missing/f", nullptr), ENOENT);
  CHECK_ERR(t.root.stat("missing/..", nullptr), ENOENT);
}

CASE("path", "a 255-byte component is accepted") {
  CHECK_OK(t.root.put(NameOf(255), "x"));
  CHECK_OK(t.root.stat(NameOf(255), nullptr));
}

CASE("path", "a 256-byte component gives ENAMETOOLONG, even when missing") {
  CHECK_ERR(t.root.stat(NameOf(256), nullptr), ENAMETOOLONG);
  CHECK_ERR(t.root.put(NameOf(256), "x"), ENAMETOOLONG);
}

CASE("path", "a 256-byte component in the prefix gives ENAMETOOLONG") {
  CHECK_ERR(t.root.stat(NameOf(256) + "/f", nullptr), ENAMETOOLONG);
}

CASE("path", "a path of PATH_MAX bytes or more gives ENAMETOOLONG") {
  std::string p;
  while (p.size() < 4200) p += "a/";
  CHECK_ERR(t.root.stat(p + "f", nullptr), ENAMETOOLONG);
}

CASE("path", "deep nesting within PATH_MAX resolves") {
  std::string p = "a";
  CHECK_OK(t.root.mkdir(p, 0755));
  for (int i = 0; i < 60; ++i) {
    p += "/a";
    CHECK_OK(t.root.mkdir(p, 0755));
  }
  CHECK_OK(t.root.put(p + "/f", "deep"));
  std::string s;
  CHECK_OK(t.root.get(p + "/f", &s));
  CHECK_EQ(s, std::string("deep"));
}

CASE("path", "a symlink loop gives ELOOP") {
  CHECK_OK(t.root.symlink("b", "a"));
  CHECK_OK(t.root.symlink("a", "b"));
  CHECK_ERR(t.root.stat("a", nullptr), ELOOP);
  CHECK_ERR(t.root.open("a", O_RDONLY), ELOOP);
}

CASE("path", "a self-referencing symlink gives ELOOP") {
  CHECK_OK(t.root.symlink("self", "self"));
  CHECK_ERR(t.root.stat("self", nullptr), ELOOP);
  CHECK_ERR(t.root.open("self", O_CREAT | O_WRONLY, 0644), ELOOP);
}

CASE("path", "a symlink loop in the prefix gives ELOOP") {
  CHECK_OK(t.root.symlink("b", "a"));
  CHECK_OK(t.root.symlink("a", "b"));
  CHECK_ERR(t.root.stat("a/f", nullptr), ELOOP);
  CHECK_ERR(t.root.mkdir("a/d", 0755), ELOOP);
}

CASE("path", "lstat of a looping symlink succeeds (not followed)") {
  CHECK_OK(t.root.symlink("self", "self"));
  CHECK(S_ISLNK(t.root.lst("self").mode));
}

CASE("path", "a chain of 50 symlinks exceeds the follow limit: ELOOP (Linux: 40)") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l0"));
  for (int i = 1; i <= 50; ++i) {
    CHECK_OK(t.root.symlink("l" + std::to_string(i - 1), "l" + std::to_string(i)));
  }
  CHECK_OK(t.root.stat("l30", nullptr));
  CHECK_ERR(t.root.stat("l50", nullptr), ELOOP);
}

CASE("path", "'..' through a symlinked directory climbs from the target") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("a/b", 0755));
  CHECK_OK(t.root.put("a/f", "in-a"));
  CHECK_OK(t.root.symlink("a/b", "l"));
  std::string s;
  CHECK_OK(t.root.get("l/../f", &s));
  CHECK_EQ(s, std::string("in-a"));
}

CASE("path", "lookup is case-sensitive") {
  CHECK_OK(t.root.put("File", "upper"));
  CHECK_ERR(t.root.stat("file", nullptr), ENOENT);
  CHECK_OK(t.root.put("file", "lower"));
  CHECK_NE(t.root.st("File").ino, t.root.st("file").ino);
}

CASE("path", "search permission denied in the prefix gives EACCES before ENOENT", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0700));
  CHECK_ERR(t.u1.stat("d/missing", nullptr), EACCES);
}

}  // namespace
}  // namespace zerofs::conformance
