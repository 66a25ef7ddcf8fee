// Permission checks: owner/group/other classes, search permission on every
// path component, root's overrides, the sticky bit, setgid directories, and
// the clearing of set-id bits when an unprivileged caller modifies a file.
// Every case needs real credentials (kFeatRoot).
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

// Creates file p owned by uid:gid with mode, as root.
int Own(Actor& root, const std::string& p, uint32_t uid, uint32_t gid, uint32_t mode) {
  int r = root.put(p, "data", mode);
  if (r == 0) r = root.chown(p, uid, gid);
  if (r == 0) r = root.chmod(p, mode);
  return r;
}

CASE("perm", "the owner class grants read when only owner read is set", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG2, 0400));
  int64_t h;
  CHECK_OK(h = t.u1.open("f", O_RDONLY));
  t.u1.close(h);
}

CASE("perm", "the owner class applies even when group and other would allow", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0066));
  CHECK_ERR(t.u1.open("f", O_RDONLY), EACCES);
  CHECK_ERR(t.u1.open("f", O_WRONLY), EACCES);
}

CASE("perm", "the owner class: write denied on a read-only file", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0444));
  CHECK_ERR(t.u1.open("f", O_WRONLY), EACCES);
  CHECK_ERR(t.u1.open("f", O_RDWR), EACCES);
}

CASE("perm", "the group class applies through the primary group", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", 0, kG2, 0040));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_RDONLY));
  t.u2.close(h);
  CHECK_ERR(t.u2.open("f", O_WRONLY), EACCES);
}

CASE("perm", "the group class applies through a supplementary group", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", 0, kGShared, 0060));
  int64_t h;
  CHECK_OK(h = t.u1.open("f", O_RDWR));
  t.u1.close(h);
}

CASE("perm", "the group class applies even when other would allow", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", 0, kGShared, 0707));
  CHECK_ERR(t.u1.open("f", O_RDONLY), EACCES);
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_RDONLY));  // not in the group: the other class
  t.u2.close(h);
}

CASE("perm", "the owner class applies to an owner who is also in the file's group", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kGShared, 0070));
  CHECK_ERR(t.u1.open("f", O_RDONLY), EACCES);
}

CASE("perm", "the other class applies to non-owners outside the group", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0604));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_RDONLY));
  t.u2.close(h);
  CHECK_ERR(t.u2.open("f", O_WRONLY), EACCES);
}

CASE("perm", "no bits for the other class denies read and write", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0660));
  CHECK_ERR(t.u2.open("f", O_RDONLY), EACCES);
  CHECK_ERR(t.u2.open("f", O_WRONLY), EACCES);
}

CASE("perm", "root reads and writes a file with no permission bits", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  t.root.close(h);
}

CASE("perm", "root searches and lists a directory with no permission bits", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  CHECK_OK(t.root.chmod("d", 0));
  CHECK_OK(t.root.stat("d/f", nullptr));
  CHECK_EQ(t.root.ls("d"), std::vector<std::string>{"f"});
}

CASE("perm", "search permission is needed on every directory of the path", kFeatRoot) {
  CHECK_OK(t.root.mkdir("a", 0755));
  CHECK_OK(t.root.mkdir("a/b", 0700));
  CHECK_OK(t.root.mkdir("a/b/c", 0777));
  CHECK_OK(t.root.put("a/b/c/f", "x", 0666));
  CHECK_ERR(t.u1.open("a/b/c/f", O_RDONLY), EACCES);
  CHECK_ERR(t.u1.stat("a/b/c/f", nullptr), EACCES);
  CHECK_ERR(t.u1.stat("a/b/c", nullptr), EACCES);
  CHECK_OK(t.u1.stat("a/b", nullptr));
}

CASE("perm", "a search-only directory allows known names but not listing", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x", 0644));
  CHECK_OK(t.root.chmod("d", 0711));
  CHECK_OK(t.u1.stat("d/f", nullptr));
  CHECK_ERR(t.u1.open("d", O_RDONLY | O_DIRECTORY), EACCES);
}

CASE("perm", "a read-only directory lists names but denies access to entries", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x", 0644));
  CHECK_OK(t.root.chmod("d", 0744));
  std::vector<std::string> names;
  CHECK_OK(t.u1.readdir("d", &names));
  CHECK_EQ(names, std::vector<std::string>{"f"});
  CHECK_ERR(t.u1.stat("d/f", nullptr), EACCES);
}

CASE("perm", "write without search permission on a directory does not allow creation", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0766));
  CHECK_ERR(t.u1.put("d/f", "x"), EACCES);
}

CASE("perm", "root writes a read-only file and creates in a read-only directory", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0444));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  t.root.close(h);
  CHECK_OK(t.root.mkdir("d", 0555));
  CHECK_OK(t.root.put("d/g", "x"));
}

CASE("perm", "opening a directory for listing needs read permission", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0311));
  CHECK_ERR(t.u1.open("d", O_RDONLY | O_DIRECTORY), EACCES);
}

CASE("perm", "truncate needs write permission on the file", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0444));
  CHECK_ERR(t.u1.truncate("f", 0), EACCES);
  CHECK_EQ(t.root.st("f").size, 4);
}

CASE("perm", "truncate is allowed to a non-owner with write permission", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0666));
  CHECK_OK(t.u2.truncate("f", 1));
  CHECK_EQ(t.root.st("f").size, 1);
}

CASE("perm", "sticky directory: a non-owner cannot unlink another user's file", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/f", "x", 0666));
  CHECK_ERR(t.u2.unlink("s/f"), EPERM);
}

CASE("perm", "sticky directory: the file owner can unlink it", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/f", "x"));
  CHECK_OK(t.u1.unlink("s/f"));
}

CASE("perm", "sticky directory: the directory owner can unlink others' files", kFeatRoot) {
  CHECK_OK(t.u2.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/f", "x"));
  CHECK_OK(t.u2.unlink("s/f"));
}

CASE("perm", "sticky directory: root can unlink anyone's file", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/f", "x"));
  CHECK_OK(t.root.unlink("s/f"));
}

CASE("perm", "sticky directory: a non-owner cannot rename another user's file away", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/f", "x"));
  CHECK_ERR(t.u2.rename("s/f", "s/g"), EPERM);
}

CASE("perm", "sticky directory: a non-owner cannot replace another user's file by rename",
     kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/victim", "x"));
  CHECK_OK(t.u2.put("s/mine", "y"));
  CHECK_ERR(t.u2.rename("s/mine", "s/victim"), EPERM);
}

CASE("perm", "sticky directory: a non-owner cannot rmdir another user's directory", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.mkdir("s/d", 0777));
  CHECK_ERR(t.u2.rmdir("s/d"), EPERM);
}

CASE("perm", "sticky directory: anyone with write permission may still create", kFeatRoot) {
  CHECK_OK(t.root.mkdir("s", 01777));
  CHECK_OK(t.u1.put("s/a", "x"));
  CHECK_OK(t.u2.put("s/b", "x"));
}

CASE("perm", "without the sticky bit, write permission on the directory is enough to unlink",
     kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.u1.put("d/f", "x", 0600));
  CHECK_OK(t.u2.unlink("d/f"));
}

CASE("perm", "setgid directory: a new file takes the directory's group", kFeatRoot) {
  CHECK_OK(t.root.mkdir("g", 0777));
  CHECK_OK(t.root.chown("g", 0, kGShared));
  CHECK_OK(t.root.chmod("g", 02777));
  CHECK_OK(t.u2.put("g/f", "x"));
  CHECK_EQ(t.root.st("g/f").gid, kGShared);
  CHECK_EQ(t.root.st("g/f").uid, kU2);
}

CASE("perm", "setgid directory: a new subdirectory takes the group and the setgid bit", kFeatRoot) {
  CHECK_OK(t.root.mkdir("g", 0777));
  CHECK_OK(t.root.chown("g", 0, kGShared));
  CHECK_OK(t.root.chmod("g", 02777));
  CHECK_OK(t.u2.mkdir("g/d", 0755));
  Stat st = t.root.st("g/d");
  CHECK_EQ(st.gid, kGShared);
  CHECK_EQ(Perm(st), 02755u);
}

CASE("perm", "setgid directory: a new symlink and FIFO take the directory's group", kFeatRoot,
     kFeatSpecial) {
  CHECK_OK(t.root.mkdir("g", 0777));
  CHECK_OK(t.root.chown("g", 0, kGShared));
  CHECK_OK(t.root.chmod("g", 02777));
  CHECK_OK(t.u2.symlink("x", "g/l"));
  CHECK_OK(t.u2.mknod("g/p", S_IFIFO | 0644));
  CHECK_EQ(t.root.lst("g/l").gid, kGShared);
  CHECK_EQ(t.root.lst("g/p").gid, kGShared);
}

CASE("perm", "setgid directory: S_ISGID is dropped from a new file of a non-member", kFeatRoot) {
  CHECK_OK(t.root.mkdir("g", 0777));
  CHECK_OK(t.root.chown("g", 0, kGShared));
  CHECK_OK(t.root.chmod("g", 02777));
  int64_t h;
  CHECK_OK(h = t.u2.open("g/f", O_CREAT | O_WRONLY, 02755));
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("g/f")), 0755u);
}

CASE("perm", "without setgid on the directory, a new file takes the caller's fsgid", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.root.chown("d", 0, kGShared));
  CHECK_OK(t.u2.put("d/f", "x"));
  CHECK_EQ(t.root.st("d/f").gid, kG2);
}

CASE("perm", "a write by a non-root caller clears S_ISUID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 04777));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY));
  CHECK_EQ(t.u2.pwrite(h, "x", 0), 1);
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0777u);
}

CASE("perm", "a write by the non-root owner clears S_ISUID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 04755));
  int64_t h;
  CHECK_OK(h = t.u1.open("f", O_WRONLY));
  CHECK_EQ(t.u1.pwrite(h, "x", 0), 1);
  t.u1.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("perm", "a write by a non-root caller clears S_ISGID when group-executable", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 02777));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY));
  CHECK_EQ(t.u2.pwrite(h, "x", 0), 1);
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0777u);
}

CASE("perm", "a write by a group member keeps S_ISGID without group-execute (Linux)", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG2, 02666));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY));
  CHECK_EQ(t.u2.pwrite(h, "x", 0), 1);
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 02666u);
}

CASE("perm", "a write by root keeps S_ISUID and S_ISGID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 06777));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  CHECK_EQ(t.root.pwrite(h, "x", 0), 1);
  t.root.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 06777u);
}

CASE("perm", "a truncate by a non-root caller clears S_ISUID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 04755));
  CHECK_OK(t.u1.truncate("f", 1));
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("perm", "an ftruncate by a non-root caller clears S_ISUID and S_ISGID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 06777));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY));
  CHECK_OK(t.u2.ftruncate(h, 0));
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0777u);
}

CASE("perm", "O_TRUNC by a non-root caller clears S_ISUID", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 04777));
  int64_t h;
  CHECK_OK(h = t.u2.open("f", O_WRONLY | O_TRUNC));
  t.u2.close(h);
  CHECK_EQ(Perm(t.root.st("f")), 0777u);
}

CASE("perm", "an unprivileged caller cannot mknod a character device", kFeatRoot, kFeatMknodDev) {
  CHECK_ERR(t.u1.mknod("c", S_IFCHR | 0666, makedev(1, 3)), EPERM);
}

CASE("perm", "an unprivileged caller may mknod a FIFO", kFeatRoot, kFeatSpecial) {
  CHECK_OK(t.u1.mknod("p", S_IFIFO | 0644));
  CHECK_EQ(t.root.lst("p").uid, kU1);
}

CASE("perm", "a non-owner with write permission cannot chmod", kFeatRoot) {
  CHECK_OK(Own(t.root, "f", kU1, kG1, 0666));
  CHECK_ERR(t.u2.chmod("f", 0777), EPERM);
}

}  // namespace
}  // namespace zerofs::conformance
