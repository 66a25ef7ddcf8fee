// chmod(2), chown(2), lchown(2): who may change what, and which bits the
// change clears.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("chmod", "sets exactly the requested permission bits") {
  CHECK_OK(t.root.put("f", "x", 0644));
  for (uint32_t mode : {0u, 0777u, 0123u, 0640u, 01755u}) {
    CHECK_OK(t.root.chmod("f", mode));
    CHECK_EQ(Perm(t.root.st("f")), mode);
  }
}

CASE("chmod", "keeps the file type") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.chmod("d", 0700));
  CHECK(S_ISDIR(t.root.st("d").mode));
}

CASE("chmod", "sets the sticky bit on a directory") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.chmod("d", 01777));
  CHECK_EQ(Perm(t.root.st("d")), 01777u);
}

CASE("chmod", "sets S_ISUID and S_ISGID as root", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x", 0644));
  CHECK_OK(t.root.chmod("f", 06755));
  CHECK_EQ(Perm(t.root.st("f")), 06755u);
}

CASE("chmod", "follows a symlink and changes its target") {
  CHECK_OK(t.root.put("f", "x", 0644));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.chmod("l", 0600));
  CHECK_EQ(Perm(t.root.st("f")), 0600u);
  CHECK_EQ(Perm(t.root.lst("l")), 0777u);
}

CASE("chmod", "a missing name gives ENOENT") { CHECK_ERR(t.root.chmod("missing", 0644), ENOENT); }

CASE("chmod", "a dangling symlink gives ENOENT") {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_ERR(t.root.chmod("l", 0644), ENOENT);
}

CASE("chmod", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.chmod("f/x", 0644), ENOTDIR);
}

CASE("chmod", "applies to the inode, visible through an open handle") {
  CHECK_OK(t.root.put("f", "x", 0644));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.chmod("f", 0400));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(Perm(st), 0400u);
  t.root.close(h);
}

CASE("chmod", "the owner may chmod its file", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_OK(t.u1.chmod("f", 0600));
  CHECK_EQ(Perm(t.root.st("f")), 0600u);
}

CASE("chmod", "the owner may chmod even without any permission bits", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0));
  CHECK_OK(t.u1.chmod("f", 0644));
}

CASE("chmod", "a non-owner gives EPERM", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0666));
  CHECK_ERR(t.u2.chmod("f", 0600), EPERM);
  CHECK_EQ(Perm(t.root.st("f")), 0666u);
}

CASE("chmod", "a group member who is not the owner gives EPERM", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x", 0666));
  CHECK_OK(t.root.chown("f", kU2, kGShared));
  CHECK_ERR(t.u1.chmod("f", 0600), EPERM);
}

CASE("chmod", "root may chmod anyone's file", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_OK(t.root.chmod("f", 0));
  CHECK_EQ(Perm(t.root.st("f")), 0u);
}

CASE("chmod", "S_ISGID is silently cleared for an owner outside the file's group", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x", 0644));
  CHECK_OK(t.root.chown("f", kU1, kG2));
  CHECK_OK(t.u1.chmod("f", 02755));
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("chmod", "S_ISGID is kept for an owner in the file's supplementary group", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x", 0644));
  CHECK_OK(t.root.chown("f", kU1, kGShared));
  CHECK_OK(t.u1.chmod("f", 02755));
  CHECK_EQ(Perm(t.root.st("f")), 02755u);
}

CASE("chmod", "S_ISUID may be set by a non-root owner", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_OK(t.u1.chmod("f", 04755));
  CHECK_EQ(Perm(t.root.st("f")), 04755u);
}

CASE("chmod", "needs search permission on the path", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 0777));
  CHECK_OK(t.u1.put("d/f", "x"));
  CHECK_OK(t.root.chmod("d", 0666));
  CHECK_ERR(t.u1.chmod("d/f", 0600), EACCES);
}

CASE("chown", "root sets any uid and gid", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chown("f", 4242, 4343));
  Stat st = t.root.st("f");
  CHECK_EQ(st.uid, 4242u);
  CHECK_EQ(st.gid, 4343u);
}

CASE("chown", "-1 for both ids leaves both unchanged", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_OK(t.root.chown("f", kKeepId, kKeepId));
  CHECK_EQ(t.root.st("f").uid, kU1);
  CHECK_EQ(t.root.st("f").gid, kG1);
}

CASE("chown", "-1 for the gid changes only the uid", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_OK(t.root.chown("f", kU2, kKeepId));
  CHECK_EQ(t.root.st("f").uid, kU2);
  CHECK_EQ(t.root.st("f").gid, kG1);
}

CASE("chown", "-1 for the uid changes only the gid", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_OK(t.root.chown("f", kKeepId, kG2));
  CHECK_EQ(t.root.st("f").uid, kU1);
  CHECK_EQ(t.root.st("f").gid, kG2);
}

CASE("chown", "a non-root owner cannot give the file away (EPERM)", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x"));
  CHECK_ERR(t.u1.chown("f", kU2, kKeepId), EPERM);
  CHECK_EQ(t.root.st("f").uid, kU1);
}

CASE("chown", "a non-root owner may set the uid to itself", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x"));
  CHECK_OK(t.u1.chown("f", kU1, kKeepId));
}

CASE("chown", "a non-root owner may change the group to a supplementary group", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x"));
  CHECK_OK(t.u1.chown("f", kKeepId, kGShared));
  CHECK_EQ(t.root.st("f").gid, kGShared);
}

CASE("chown", "a non-root owner may change the group to its primary group", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chown("f", kU1, kGShared));
  CHECK_OK(t.u1.chown("f", kKeepId, kG1));
  CHECK_EQ(t.root.st("f").gid, kG1);
}

CASE("chown", "a non-root owner cannot change the group to a non-member group (EPERM)", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x"));
  CHECK_ERR(t.u1.chown("f", kKeepId, kG2), EPERM);
}

CASE("chown", "a non-owner cannot change the group even to its own group (EPERM)", kFeatRoot) {
  CHECK_OK(t.u2.put("f", "x", 0666));
  CHECK_ERR(t.u1.chown("f", kKeepId, kGShared), EPERM);
}

CASE("chown", "a non-root change of group clears S_ISUID and S_ISGID", kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x"));
  CHECK_OK(t.u1.chmod("f", 06755));
  CHECK_OK(t.u1.chown("f", kKeepId, kGShared));
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("chown", "root changing the owner clears S_ISUID of a regular file (Linux)", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chmod("f", 04755));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("chown", "root changing the owner clears group-executable S_ISGID (Linux)", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chmod("f", 02755));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_EQ(Perm(t.root.st("f")), 0755u);
}

CASE("chown", "S_ISGID without group-execute survives a chown by root (Linux)", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.chmod("f", 02644));
  CHECK_OK(t.root.chown("f", kU1, kG1));
  CHECK_EQ(Perm(t.root.st("f")), 02644u);
}

CASE("chown", "a directory keeps its setgid bit across chown (Linux)", kFeatRoot) {
  CHECK_OK(t.root.mkdir("d", 02755));
  CHECK_OK(t.root.chmod("d", 02755));
  CHECK_OK(t.root.chown("d", kU1, kG1));
  CHECK_EQ(Perm(t.root.st("d")), 02755u);
}

CASE("chown", "follows a symlink; lchown changes the symlink itself", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.chown("l", kU1, kG1));
  CHECK_EQ(t.root.st("f").uid, kU1);
  CHECK_EQ(t.root.lst("l").uid, 0u);
  CHECK_OK(t.root.lchown("l", kU2, kG2));
  CHECK_EQ(t.root.lst("l").uid, kU2);
  CHECK_EQ(t.root.lst("l").gid, kG2);
  CHECK_EQ(t.root.st("f").uid, kU1);
}

CASE("chown", "lchown works on a dangling symlink", kFeatRoot) {
  CHECK_OK(t.root.symlink("nowhere", "l"));
  CHECK_OK(t.root.lchown("l", kU1, kG1));
  CHECK_EQ(t.root.lst("l").uid, kU1);
}

CASE("chown", "a missing name gives ENOENT") {
  CHECK_ERR(t.root.chown("missing", kKeepId, kKeepId), ENOENT);
  CHECK_ERR(t.root.lchown("missing", kKeepId, kKeepId), ENOENT);
}

CASE("chown", "a trailing slash on a file gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.chown("f/", kKeepId, kKeepId), ENOTDIR);
}

CASE("chown", "changes show through an open handle", kFeatRoot) {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.chown("f", kU1, kG2));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(st.uid, kU1);
  CHECK_EQ(st.gid, kG2);
  t.root.close(h);
}

}  // namespace
}  // namespace zerofs::conformance
