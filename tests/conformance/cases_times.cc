// Timestamps (inode(7), utimensat(2)): which of atime/mtime/ctime each
// operation marks for update, on the object and on its parent directory, and
// who may set them.
//
// Method: set atime and mtime to kOld first, so "changed" means "no longer
// kOld"; ctime cannot be set, so it is compared with its value before the
// operation after a Tick() long enough for the clock to move.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

bool Later(const TimeSpec& a, const TimeSpec& b) {
  return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec);
}

// Sets atime and mtime of p (not following a final symlink) to kOld, waits a
// tick so the next change is distinguishable, and returns the new stat.
Stat Aged(Ctx& t, const std::string& p) {
  t.root.utimens(p, kOld, kOld, /*nofollow=*/true);
  Stat st = t.root.lst(p);
  t.Tick();
  return st;
}

// The checks shared by most cases, as macros so failures report the caller.
#define CHECK_TOUCHED_MC(path, before)               \
  do {                                               \
    Stat conf_after_ = t.root.lst(path);             \
    CHECK_NE(conf_after_.mtime, kOld);               \
    CHECK(Later(conf_after_.ctime, (before).ctime)); \
  } while (0)

#define CHECK_UNTOUCHED(path, before)            \
  do {                                           \
    Stat conf_after_ = t.root.lst(path);         \
    CHECK_EQ(conf_after_.atime, kOld);           \
    CHECK_EQ(conf_after_.mtime, kOld);           \
    CHECK_EQ(conf_after_.ctime, (before).ctime); \
  } while (0)

CASE("times", "a new file has equal atime, mtime and ctime") {
  CHECK_OK(t.root.put("f", ""));
  Stat st = t.root.st("f");
  CHECK_EQ(st.atime, st.mtime);
  CHECK_EQ(st.mtime, st.ctime);
}

CASE("times", "a new directory has equal atime, mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat st = t.root.st("d");
  CHECK_EQ(st.atime, st.mtime);
  CHECK_EQ(st.mtime, st.ctime);
}

CASE("times", "a parent's new mtime is not earlier than the mtime of the file created in it") {
  CHECK_OK(t.root.mkdir("d", 0755));
  Aged(t, "d");
  CHECK_OK(t.root.put("d/f", ""));
  Stat f = t.root.st("d/f"), d = t.root.st("d");
  CHECK(!Later(f.mtime, d.mtime));
}

CASE("times", "creating a file updates the parent's mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.put("d/f", ""));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "opening an existing file with O_CREAT leaves the parent alone") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  Stat before = Aged(t, "d");
  int64_t h;
  CHECK_OK(h = t.root.open("d/f", O_CREAT | O_RDONLY, 0644));
  t.root.close(h);
  CHECK_UNTOUCHED("d", before);
}

CASE("times", "mkdir updates the parent's mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.mkdir("d/e", 0755));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "mknod updates the parent's mtime and ctime", kFeatSpecial) {
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.mknod("d/p", S_IFIFO | 0644));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "symlink updates the parent's mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.symlink("x", "d/l"));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "link updates the new parent's mtime and ctime") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.mkdir("d", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.link("f", "d/g"));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "link updates the file's ctime but not its mtime or atime") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.link("f", "g"));
  Stat after = t.root.st("f");
  CHECK_EQ(after.mtime, kOld);
  CHECK_EQ(after.atime, kOld);
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "unlink updates the parent's mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.unlink("d/f"));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "unlink updates the ctime of a file that keeps other links") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.link("f", "g"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.unlink("g"));
  Stat after = t.root.st("f");
  CHECK_EQ(after.mtime, kOld);
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "rmdir updates the parent's mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.mkdir("d/e", 0755));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.rmdir("d/e"));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "rename updates both parents' mtime and ctime") {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("b", 0755));
  CHECK_OK(t.root.put("a/f", "x"));
  Stat a = Aged(t, "a");
  Stat b = Aged(t, "b");
  CHECK_OK(t.root.rename("a/f", "b/f"));
  CHECK_TOUCHED_MC("a", a);
  CHECK_TOUCHED_MC("b", b);
}

CASE("times", "rename within a directory updates its mtime and ctime") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.rename("d/f", "d/g"));
  CHECK_TOUCHED_MC("d", before);
}

CASE("times", "rename updates the moved file's ctime but not its mtime (Linux)") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.rename("f", "g"));
  Stat after = t.root.st("g");
  CHECK_EQ(after.mtime, kOld);
  CHECK_EQ(after.atime, kOld);
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "write updates mtime and ctime but not atime") {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  Stat before = Aged(t, "f");
  CHECK_EQ(t.root.pwrite(h, "y", 0), 1);
  t.root.close(h);
  Stat after = t.root.st("f");
  CHECK_NE(after.mtime, kOld);
  CHECK(Later(after.ctime, before.ctime));
  CHECK_EQ(after.atime, kOld);
}

CASE("times", "write does not touch the parent directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("d/f", O_WRONLY));
  Stat before = Aged(t, "d");
  CHECK_EQ(t.root.pwrite(h, "yy", 10), 2);
  t.root.close(h);
  CHECK_UNTOUCHED("d", before);
}

CASE("times", "read updates atime", kFeatAtime) {
  CHECK_OK(t.root.put("f", "data"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  Stat before = Aged(t, "f");
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 4, 0), 4);
  t.root.close(h);
  Stat after = t.root.st("f");
  CHECK_NE(after.atime, kOld);
  CHECK_EQ(after.mtime, kOld);
  CHECK_EQ(after.ctime, before.ctime);
}

CASE("times", "read does not change mtime or ctime") {
  CHECK_OK(t.root.put("f", "data"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  Stat before = Aged(t, "f");
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 4, 0), 4);
  t.root.close(h);
  Stat after = t.root.st("f");
  CHECK_EQ(after.mtime, kOld);
  CHECK_EQ(after.ctime, before.ctime);
}

CASE("times", "stat, open and close change no timestamp") {
  CHECK_OK(t.root.put("f", "data"));
  Stat before = Aged(t, "f");
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  t.root.close(h);
  CHECK_OK(t.root.stat("f", &st));
  CHECK_UNTOUCHED("f", before);
}

CASE("times", "fsync changes no timestamp") {
  CHECK_OK(t.root.put("f", "data"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.fsync(h));
  t.root.close(h);
  CHECK_UNTOUCHED("f", before);
}

CASE("times", "readdir updates the directory's atime", kFeatAtime) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  Stat before = Aged(t, "d");
  CHECK_EQ(t.root.ls("d").size(), 1u);
  Stat after = t.root.st("d");
  CHECK_NE(after.atime, kOld);
  CHECK_EQ(after.mtime, kOld);
  CHECK_EQ(after.ctime, before.ctime);
}

CASE("times", "readlink updates the symlink's atime", kFeatAtime) {
  CHECK_OK(t.root.symlink("target", "l"));
  Aged(t, "l");
  std::string target;
  CHECK_OK(t.root.readlink("l", &target));
  CHECK_NE(t.root.lst("l").atime, kOld);
}

CASE("times", "truncate that changes the size updates mtime and ctime") {
  CHECK_OK(t.root.put("f", "0123456789"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.truncate("f", 3));
  CHECK_TOUCHED_MC("f", before);
}

CASE("times", "truncate that extends the file updates mtime and ctime") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.truncate("f", 100000));
  CHECK_TOUCHED_MC("f", before);
}

CASE("times", "ftruncate that changes the size updates mtime and ctime") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.ftruncate(h, 1));
  t.root.close(h);
  CHECK_TOUCHED_MC("f", before);
}

CASE("times", "O_TRUNC updates mtime and ctime even of an empty file") {
  CHECK_OK(t.root.put("f", ""));
  Stat before = Aged(t, "f");
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY | O_TRUNC));
  t.root.close(h);
  CHECK_TOUCHED_MC("f", before);
}

CASE("times", "punching a hole updates mtime and ctime", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", std::string(65536, 'x')));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 8192));
  t.root.close(h);
  CHECK_TOUCHED_MC("f", before);
}

CASE("times", "chmod updates ctime only") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.chmod("f", 0600));
  Stat after = t.root.st("f");
  CHECK_EQ(after.atime, kOld);
  CHECK_EQ(after.mtime, kOld);
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "chmod does not touch the parent directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  Stat before = Aged(t, "d");
  CHECK_OK(t.root.chmod("d/f", 0600));
  CHECK_UNTOUCHED("d", before);
}

CASE("times", "chown updates ctime only", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.chown("f", kU1, kG1));
  Stat after = t.root.st("f");
  CHECK_EQ(after.atime, kOld);
  CHECK_EQ(after.mtime, kOld);
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "setxattr and removexattr update ctime only", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.setxattr("f", "user.k", "v"));
  Stat mid = t.root.st("f");
  CHECK_EQ(mid.mtime, kOld);
  CHECK(Later(mid.ctime, before.ctime));
  t.Tick();
  CHECK_OK(t.root.removexattr("f", "user.k"));
  Stat after = t.root.st("f");
  CHECK_EQ(after.mtime, kOld);
  CHECK(Later(after.ctime, mid.ctime));
}

CASE("times", "utimens stores explicit seconds and updates ctime to now") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = t.root.st("f");
  t.Tick();
  CHECK_OK(t.root.utimens("f", {1234567890, 0}, {987654321, 0}));
  Stat after = t.root.st("f");
  CHECK_EQ(after.atime, (TimeSpec{1234567890, 0}));
  CHECK_EQ(after.mtime, (TimeSpec{987654321, 0}));
  CHECK(Later(after.ctime, before.ctime));
}

CASE("times", "utimens round-trips nanoseconds", kFeatNsecTimes) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.utimens("f", {1500000000, 123456789}, {1600000000, 987654321}));
  Stat st = t.root.st("f");
  CHECK_EQ(st.atime, (TimeSpec{1500000000, 123456789}));
  CHECK_EQ(st.mtime, (TimeSpec{1600000000, 987654321}));
}

CASE("times", "utimens on a directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.utimens("d", {1000, 0}, {2000, 0}));
  CHECK_EQ(t.root.st("d").atime, (TimeSpec{1000, 0}));
  CHECK_EQ(t.root.st("d").mtime, (TimeSpec{2000, 0}));
}

CASE("times", "UTIME_OMIT for atime leaves it and sets mtime") {
  CHECK_OK(t.root.put("f", "x"));
  Aged(t, "f");
  CHECK_OK(t.root.utimens("f", {0, kUtimeOmit}, {5000, 0}));
  CHECK_EQ(t.root.st("f").atime, kOld);
  CHECK_EQ(t.root.st("f").mtime, (TimeSpec{5000, 0}));
}

CASE("times", "UTIME_OMIT for mtime leaves it and sets atime") {
  CHECK_OK(t.root.put("f", "x"));
  Aged(t, "f");
  CHECK_OK(t.root.utimens("f", {5000, 0}, {0, kUtimeOmit}));
  CHECK_EQ(t.root.st("f").atime, (TimeSpec{5000, 0}));
  CHECK_EQ(t.root.st("f").mtime, kOld);
}

CASE("times", "UTIME_OMIT for both changes nothing, not even ctime") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.utimens("f", {0, kUtimeOmit}, {0, kUtimeOmit}));
  CHECK_UNTOUCHED("f", before);
}

CASE("times", "UTIME_NOW sets atime and mtime to the current time") {
  CHECK_OK(t.root.put("f", "x"));
  Stat before = Aged(t, "f");
  CHECK_OK(t.root.utimens("f", {0, kUtimeNow}, {0, kUtimeNow}));
  Stat after = t.root.st("f");
  CHECK(Later(after.atime, before.ctime));
  CHECK(Later(after.mtime, before.ctime));
  CHECK_EQ(after.atime, after.mtime);
}

CASE("times", "UTIME_NOW for mtime only leaves atime") {
  CHECK_OK(t.root.put("f", "x"));
  Aged(t, "f");
  CHECK_OK(t.root.utimens("f", {0, kUtimeOmit}, {0, kUtimeNow}));
  CHECK_EQ(t.root.st("f").atime, kOld);
  CHECK_NE(t.root.st("f").mtime, kOld);
}

CASE("times", "utimens with a time far before the present is stored") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.utimens("f", {1, 0}, {86400, 0}));
  CHECK_EQ(t.root.st("f").atime, (TimeSpec{1, 0}));
  CHECK_EQ(t.root.st("f").mtime, (TimeSpec{86400, 0}));
}

CASE("times", "utimens follows a symlink by default") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.utimens("l", {3000, 0}, {4000, 0}));
  CHECK_EQ(t.root.st("f").mtime, (TimeSpec{4000, 0}));
  CHECK_NE(t.root.lst("l").mtime, (TimeSpec{4000, 0}));
}

CASE("times", "utimens with nofollow sets the symlink's own times") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.utimens("l", {3000, 0}, {4000, 0}, /*nofollow=*/true));
  CHECK_EQ(t.root.lst("l").mtime, (TimeSpec{4000, 0}));
  CHECK_NE(t.root.st("f").mtime, (TimeSpec{4000, 0}));
}

CASE("times", "utimens on a missing name gives ENOENT") {
  CHECK_ERR(t.root.utimens("missing", {0, kUtimeNow}, {0, kUtimeNow}), ENOENT);
}

CASE("times", "UTIME_NOW is allowed to a non-owner with write permission", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0666));
  Aged(t, "f");
  CHECK_OK(t.u2.utimens("f", {0, kUtimeNow}, {0, kUtimeNow}));
  CHECK_NE(t.root.st("f").mtime, kOld);
}

CASE("times", "UTIME_NOW by a non-owner without write permission gives EACCES", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_ERR(t.u2.utimens("f", {0, kUtimeNow}, {0, kUtimeNow}), EACCES);
}

CASE("times", "UTIME_NOW by the owner needs no write permission", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0444));
  CHECK_OK(t.u1.utimens("f", {0, kUtimeNow}, {0, kUtimeNow}));
}

CASE("times", "explicit times by a non-owner with write permission give EPERM", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0666));
  CHECK_ERR(t.u2.utimens("f", {1000, 0}, {1000, 0}), EPERM);
}

CASE("times", "explicit times by the owner need no write permission", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0444));
  CHECK_OK(t.u1.utimens("f", {1000, 0}, {2000, 0}));
  CHECK_EQ(t.root.st("f").mtime, (TimeSpec{2000, 0}));
}

CASE("times", "root may set explicit times on anyone's file", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0));
  CHECK_OK(t.root.utimens("f", {1000, 0}, {2000, 0}));
  CHECK_EQ(t.root.st("f").mtime, (TimeSpec{2000, 0}));
}

CASE("times", "a non-owner's write updates mtime and ctime", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0666));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY));
  Stat before = Aged(t, "f");
  CHECK_EQ(t.u2.pwrite(h, "y", 0), 1);
  t.u2.close(h);
  CHECK_TOUCHED_MC("f", before);
}

}  // namespace
}  // namespace zerofs::conformance
