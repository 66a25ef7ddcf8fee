// statvfs(3)/statfs(2): consistent, sane numbers for the filesystem.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("statfs", "reports a block size, a non-zero size and NAME_MAX 255") {
  StatVfs v;
  CHECK_OK(t.root.statvfs("", &v));
  CHECK(v.bsize > 0);
  CHECK(v.frsize > 0);
  CHECK(v.blocks > 0);
  CHECK_EQ(v.namemax, 255u);
}

CASE("statfs", "free counts never exceed totals") {
  StatVfs v;
  CHECK_OK(t.root.statvfs("", &v));
  CHECK(v.bfree <= v.blocks);
  CHECK(v.bavail <= v.bfree);
  CHECK(v.ffree <= v.files);
}

CASE("statfs", "a file and a directory report the same filesystem") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.mkdir("d", 0755));
  StatVfs a, b;
  CHECK_OK(t.root.statvfs("f", &a));
  CHECK_OK(t.root.statvfs("d", &b));
  CHECK_EQ(a.blocks, b.blocks);
  CHECK_EQ(a.bsize, b.bsize);
  CHECK_EQ(a.files, b.files);
}

CASE("statfs", "follows a symlink") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.symlink("d", "l"));
  StatVfs v;
  CHECK_OK(t.root.statvfs("l", &v));
}

CASE("statfs", "a missing path gives ENOENT") {
  StatVfs v;
  CHECK_ERR(t.root.statvfs("missing", &v), ENOENT);
}

CASE("statfs", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  StatVfs v;
  CHECK_ERR(t.root.statvfs("f/x", &v), ENOTDIR);
}

CASE("statfs", "needs search permission on the path", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0700));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  StatVfs v;
  CHECK_ERR(t.u1.statvfs("d/e", &v), EACCES);
}

CASE("statfs", "needs no permission on the object itself", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x", 0));
  StatVfs v;
  CHECK_OK(t.u1.statvfs("f", &v));
}

}  // namespace
}  // namespace zerofs::conformance
