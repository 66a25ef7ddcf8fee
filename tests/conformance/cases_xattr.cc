// setxattr(2), getxattr(2), listxattr(2), removexattr(2) in the user.*
// namespace: create/replace flags, errno paths and permissions.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("xattr", "a value set is read back", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.color", "blue"));
  std::string v;
  CHECK_EQ(t.root.getxattr("f", "user.color", &v), 4);
  CHECK_EQ(v, std::string("blue"));
}

CASE("xattr", "flags 0 replaces an existing value", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "first"));
  CHECK_OK(t.root.setxattr("f", "user.k", "2"));
  std::string v;
  CHECK_EQ(t.root.getxattr("f", "user.k", &v), 1);
  CHECK_EQ(v, std::string("2"));
}

CASE("xattr", "XATTR_CREATE on a new name creates it", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "v", XATTR_CREATE));
  std::string v;
  CHECK_OK(t.root.getxattr("f", "user.k", &v));
}

CASE("xattr", "XATTR_CREATE on an existing name gives EEXIST and keeps the value", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "old"));
  CHECK_ERR(t.root.setxattr("f", "user.k", "new", XATTR_CREATE), EEXIST);
  std::string v;
  CHECK_OK(t.root.getxattr("f", "user.k", &v));
  CHECK_EQ(v, std::string("old"));
}

CASE("xattr", "XATTR_REPLACE on a missing name gives ENODATA", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.setxattr("f", "user.k", "v", XATTR_REPLACE), ENODATA);
  std::string v;
  CHECK_ERR(t.root.getxattr("f", "user.k", &v), ENODATA);
}

CASE("xattr", "XATTR_REPLACE on an existing name replaces it", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "old"));
  CHECK_OK(t.root.setxattr("f", "user.k", "newer", XATTR_REPLACE));
  std::string v;
  CHECK_OK(t.root.getxattr("f", "user.k", &v));
  CHECK_EQ(v, std::string("newer"));
}

CASE("xattr", "getxattr of a missing name gives ENODATA", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  std::string v;
  CHECK_ERR(t.root.getxattr("f", "user.missing", &v), ENODATA);
}

CASE("xattr", "removexattr of a missing name gives ENODATA", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.removexattr("f", "user.missing"), ENODATA);
}

CASE("xattr", "a removed name is gone from get and list", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.a", "1"));
  CHECK_OK(t.root.setxattr("f", "user.b", "2"));
  CHECK_OK(t.root.removexattr("f", "user.a"));
  std::string v;
  CHECK_ERR(t.root.getxattr("f", "user.a", &v), ENODATA);
  std::vector<std::string> names;
  CHECK_OK(t.root.listxattr("f", &names));
  CHECK(!Has(names, "user.a"));
  CHECK(Has(names, "user.b"));
}

CASE("xattr", "list shows every user name set", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  std::vector<std::string> expect;
  for (int i = 0; i < 20; ++i) {
    expect.push_back("user.attr" + std::to_string(i));
    CHECK_OK(t.root.setxattr("f", expect.back(), std::to_string(i)));
  }
  std::vector<std::string> names;
  CHECK_OK(t.root.listxattr("f", &names));
  std::vector<std::string> user;
  for (auto& n : names) {
    if (n.rfind("user.", 0) == 0) user.push_back(n);
  }
  CHECK_EQ(Sorted(user), Sorted(expect));
}

CASE("xattr", "a new file lists no user names", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  std::vector<std::string> names;
  CHECK_OK(t.root.listxattr("f", &names));
  for (auto& n : names) CHECK(n.rfind("user.", 0) != 0);
}

CASE("xattr", "an empty value is allowed and reads back with size 0", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.empty", ""));
  std::string v = "junk";
  CHECK_EQ(t.root.getxattr("f", "user.empty", &v), 0);
  CHECK(v.empty());
}

CASE("xattr", "binary values with NUL bytes round-trip", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  const std::string bin("\0\1\2\xff\0z", 6);
  CHECK_OK(t.root.setxattr("f", "user.bin", bin));
  std::string v;
  CHECK_EQ(t.root.getxattr("f", "user.bin", &v), 6);
  CHECK(v == bin);
}

CASE("xattr", "a 3000-byte value round-trips", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  std::string big(3000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  CHECK_OK(t.root.setxattr("f", "user.big", big));
  std::string v;
  CHECK_EQ(t.root.getxattr("f", "user.big", &v), 3000);
  CHECK(v == big);
}

CASE("xattr", "a value over 64 KiB gives E2BIG", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.setxattr("f", "user.huge", std::string(65537, 'v')), E2BIG);
}

CASE("xattr", "a name over 255 bytes gives ERANGE", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.setxattr("f", "user." + NameOf(251), "v"), ERANGE);
  std::string v;
  CHECK_ERR(t.root.getxattr("f", "user." + NameOf(251), &v), ERANGE);
}

CASE("xattr", "an unknown namespace gives EOPNOTSUPP", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.setxattr("f", "bogus.name", "v"), EOPNOTSUPP);
}

CASE("xattr", "names are case-sensitive", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.Key", "upper"));
  CHECK_OK(t.root.setxattr("f", "user.key", "lower"));
  std::string v;
  CHECK_OK(t.root.getxattr("f", "user.Key", &v));
  CHECK_EQ(v, std::string("upper"));
}

CASE("xattr", "works on directories", kFeatXattr) {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.setxattr("d", "user.k", "dir"));
  std::string v;
  CHECK_OK(t.root.getxattr("d", "user.k", &v));
  CHECK_EQ(v, std::string("dir"));
}

CASE("xattr", "a missing file gives ENOENT", kFeatXattr) {
  std::string v;
  std::vector<std::string> names;
  CHECK_ERR(t.root.setxattr("missing", "user.k", "v"), ENOENT);
  CHECK_ERR(t.root.getxattr("missing", "user.k", &v), ENOENT);
  CHECK_ERR(t.root.listxattr("missing", &names), ENOENT);
  CHECK_ERR(t.root.removexattr("missing", "user.k"), ENOENT);
}

CASE("xattr", "calls follow a symlink to its target", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.setxattr("l", "user.k", "via-link"));
  std::string v;
  CHECK_OK(t.root.getxattr("f", "user.k", &v));
  CHECK_EQ(v, std::string("via-link"));
}

CASE("xattr", "user.* on a FIFO gives EPERM", kFeatXattr, kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0666));
  CHECK_ERR(t.root.setxattr("p", "user.k", "v"), EPERM);
}

CASE("xattr", "attributes survive rename", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "kept"));
  CHECK_OK(t.root.rename("f", "g"));
  std::string v;
  CHECK_OK(t.root.getxattr("g", "user.k", &v));
  CHECK_EQ(v, std::string("kept"));
}

CASE("xattr", "attributes belong to the inode, shared by hard links", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.link("f", "g"));
  CHECK_OK(t.root.setxattr("f", "user.k", "shared"));
  std::string v;
  CHECK_OK(t.root.getxattr("g", "user.k", &v));
  CHECK_EQ(v, std::string("shared"));
}

CASE("xattr", "attributes do not survive unlink and re-create", kFeatXattr) {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_OK(t.root.setxattr("f", "user.k", "v"));
  CHECK_OK(t.root.unlink("f"));
  CHECK_OK(t.root.put("f", "x"));
  std::string v;
  CHECK_ERR(t.root.getxattr("f", "user.k", &v), ENODATA);
}

CASE("xattr", "setting needs write permission on the file", kFeatXattr, kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_ERR(t.u2.setxattr("f", "user.k", "v"), EACCES);
  CHECK_OK(t.u1.chmod("f", 0646));
  CHECK_OK(t.u2.setxattr("f", "user.k", "v"));
}

CASE("xattr", "removing needs write permission on the file", kFeatXattr, kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0644));
  CHECK_OK(t.u1.setxattr("f", "user.k", "v"));
  CHECK_ERR(t.u2.removexattr("f", "user.k"), EACCES);
}

CASE("xattr", "reading needs read permission on the file", kFeatXattr, kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0600));
  CHECK_OK(t.u1.setxattr("f", "user.k", "v"));
  std::string v;
  CHECK_ERR(t.u2.getxattr("f", "user.k", &v), EACCES);
}

CASE("xattr", "the owner of a read-only file cannot set user attributes", kFeatXattr, kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0444));
  CHECK_ERR(t.u1.setxattr("f", "user.k", "v"), EACCES);
}

CASE("xattr", "root sets user attributes on anyone's file", kFeatXattr, kFeatRoot) {
  CHECK_OK(t.u1.put("f", "x", 0));
  CHECK_OK(t.root.setxattr("f", "user.k", "v"));
}

}  // namespace
}  // namespace zerofs::conformance
