// mknod(2): FIFOs, sockets, character and block devices, and what can be done
// with them through the filesystem.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("mknod", "creates a FIFO with the requested mode", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0640));
  Stat st = t.root.lst("p");
  CHECK(S_ISFIFO(st.mode));
  CHECK_EQ(Perm(st), 0640u);
  CHECK_EQ(st.nlink, 1u);
  CHECK_EQ(st.size, 0);
}

CASE("mknod", "creates a socket node", kFeatSpecial) {
  CHECK_OK(t.root.mknod("s", S_IFSOCK | 0600));
  Stat st = t.root.lst("s");
  CHECK(S_ISSOCK(st.mode));
  CHECK_EQ(Perm(st), 0600u);
}

CASE("mknod", "a character device keeps its major and minor", kFeatMknodDev) {
  CHECK_OK(t.root.mknod("c", S_IFCHR | 0644, makedev(4, 64)));
  Stat st = t.root.lst("c");
  CHECK(S_ISCHR(st.mode));
  CHECK_EQ(major(st.rdev), 4u);
  CHECK_EQ(minor(st.rdev), 64u);
}

CASE("mknod", "a block device keeps its major and minor", kFeatMknodDev) {
  CHECK_OK(t.root.mknod("b", S_IFBLK | 0600, makedev(8, 17)));
  Stat st = t.root.lst("b");
  CHECK(S_ISBLK(st.mode));
  CHECK_EQ(major(st.rdev), 8u);
  CHECK_EQ(minor(st.rdev), 17u);
}

CASE("mknod", "a device with a large minor number round-trips", kFeatMknodDev) {
  CHECK_OK(t.root.mknod("c", S_IFCHR | 0644, makedev(250, 70000)));
  Stat st = t.root.lst("c");
  CHECK_EQ(major(st.rdev), 250u);
  CHECK_EQ(minor(st.rdev), 70000u);
}

CASE("mknod", "rdev survives rename and hard link", kFeatMknodDev) {
  CHECK_OK(t.root.mknod("c", S_IFCHR | 0644, makedev(10, 200)));
  CHECK_OK(t.root.rename("c", "d"));
  CHECK_OK(t.root.link("d", "e"));
  CHECK_EQ(t.root.lst("e").rdev, makedev(10, 200));
}

CASE("mknod", "a character device node reaches the device (1,3 is /dev/null)", kFeatMknodDev) {
  CHECK_OK(t.root.mknod("null", S_IFCHR | 0666, makedev(1, 3)));
  int64_t h;
  CHECK_OK(h = t.root.open("null", O_RDWR));
  CHECK_EQ(t.root.pwrite(h, "discarded", 0), 9);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 0);
  t.root.close(h);
}

CASE("mknod", "a FIFO ignores rdev and reports 0", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0644, makedev(1, 2)));
  CHECK_EQ(t.root.lst("p").rdev, 0u);
}

CASE("mknod", "S_IFREG creates an empty regular file (Linux)") {
  CHECK_OK(t.root.mknod("f", S_IFREG | 0600));
  Stat st = t.root.lst("f");
  CHECK(S_ISREG(st.mode));
  CHECK_EQ(Perm(st), 0600u);
  CHECK_EQ(st.size, 0);
}

CASE("mknod", "a zero file type creates a regular file (Linux)") {
  CHECK_OK(t.root.mknod("f", 0644));
  CHECK(S_ISREG(t.root.lst("f").mode));
}

CASE("mknod", "a regular file has rdev 0") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_EQ(t.root.lst("f").rdev, 0u);
}

CASE("mknod", "S_IFDIR gives EPERM (use mkdir)") {
  CHECK_ERR(t.root.mknod("d", S_IFDIR | 0755), EPERM);
}

CASE("mknod", "an invalid file type gives EINVAL") {
  CHECK_ERR(t.root.mknod("x", 0170000 | 0644), EINVAL);
}

CASE("mknod", "an existing name gives EEXIST", kFeatSpecial) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.mknod("f", S_IFIFO | 0644), EEXIST);
}

CASE("mknod", "a missing parent gives ENOENT", kFeatSpecial) {
  CHECK_ERR(t.root.mknod("missing/p", S_IFIFO | 0644), ENOENT);
}

CASE("mknod", "a 256-byte name gives ENAMETOOLONG", kFeatSpecial) {
  CHECK_ERR(t.root.mknod(NameOf(256), S_IFIFO | 0644), ENAMETOOLONG);
}

CASE("mknod", "the owner is the caller's fsuid and fsgid", kFeatSpecial, kFeatRoot) {
  CHECK_OK(t.u1.mknod("p", S_IFIFO | 0644));
  Stat st = t.root.lst("p");
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(st.gid, kG1);
}

CASE("mknod", "a directory without write permission gives EACCES", kFeatSpecial, kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_ERR(t.u1.mknod("d/p", S_IFIFO | 0644), EACCES);
}

CASE("mknod", "opening a FIFO read-only non-blocking succeeds", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0666));
  int64_t h;
  CHECK_OK(h = t.root.open("p", O_RDONLY | O_NONBLOCK));
  t.root.close(h);
}

CASE("mknod", "opening a FIFO write-only non-blocking without a reader gives ENXIO", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0666));
  CHECK_ERR(t.root.open("p", O_WRONLY | O_NONBLOCK), ENXIO);
}

CASE("mknod", "a FIFO takes writes but refuses positional reads (ESPIPE)", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0666));
  int64_t r, w;
  CHECK_OK(r = t.root.open("p", O_RDONLY | O_NONBLOCK));
  CHECK_OK(w = t.root.open("p", O_WRONLY | O_NONBLOCK));
  CHECK_EQ(t.root.write(w, "pipe"), 4);
  std::string s;
  CHECK_ERR(t.root.pread(r, &s, 10, 0), ESPIPE);
  t.root.close(w);
  t.root.close(r);
}

CASE("mknod", "opening a socket node gives ENXIO", kFeatSpecial) {
  CHECK_OK(t.root.mknod("s", S_IFSOCK | 0666));
  CHECK_ERR(t.root.open("s", O_RDONLY), ENXIO);
}

CASE("mknod", "chmod and chown apply to special files", kFeatSpecial, kFeatRoot) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0644));
  CHECK_OK(t.root.chmod("p", 0600));
  CHECK_OK(t.root.chown("p", kU1, kG1));
  Stat st = t.root.lst("p");
  CHECK(S_ISFIFO(st.mode));
  CHECK_EQ(Perm(st), 0600u);
  CHECK_EQ(st.uid, kU1);
}

CASE("mknod", "special files can be stat'ed without opening", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0));
  CHECK_OK(t.root.stat("p", nullptr));
}

}  // namespace
}  // namespace zerofs::conformance
