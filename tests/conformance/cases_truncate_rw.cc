// read/write/pwrite, truncate/ftruncate, fsync and fallocate: data rules,
// holes read back as zeros, and errno paths.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

// A deterministic, non-repeating-at-small-periods byte pattern.
std::string Pattern(size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 16);
  }
  return s;
}

CASE("rw", "data written is read back") {
  CHECK_OK(t.root.put("f", "hello, world"));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("hello, world"));
  CHECK_EQ(t.root.st("f").size, 12);
}

CASE("rw", "pwrite returns the byte count and grows the size") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_EQ(t.root.pwrite(h, "abcde", 0), 5);
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(st.size, 5);
  t.root.close(h);
}

CASE("rw", "a write past EOF extends the file and the gap reads as zeros") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_EQ(t.root.pwrite(h, "ab", 0), 2);
  CHECK_EQ(t.root.pwrite(h, "yz", 100000), 2);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 200000, 0), 100002);
  t.root.close(h);
  CHECK_EQ(s.substr(0, 2), std::string("ab"));
  CHECK_EQ(s.substr(2, 99998), std::string(99998, '\0'));
  CHECK_EQ(s.substr(100000), std::string("yz"));
}

CASE("rw", "a sparse file allocates far fewer blocks than its size", kFeatSparseBlocks) {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_EQ(t.root.pwrite(h, "x", 64 << 20), 1);
  CHECK_OK(t.root.fsync(h));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  t.root.close(h);
  CHECK_EQ(st.size, (64 << 20) + 1);
  CHECK(st.blocks * 512 < (1 << 20));
}

CASE("rw", "reading at EOF returns 0") {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 3), 0);
  t.root.close(h);
}

CASE("rw", "reading past EOF returns 0") {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 1 << 20), 0);
  t.root.close(h);
}

CASE("rw", "a read crossing EOF is short") {
  CHECK_OK(t.root.put("f", "abcdef"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100, 4), 2);
  CHECK_EQ(s, std::string("ef"));
  t.root.close(h);
}

CASE("rw", "reading an empty file returns 0") {
  CHECK_OK(t.root.put("f", ""));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100, 0), 0);
  t.root.close(h);
}

CASE("rw", "an overwrite in the middle keeps the surrounding bytes") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  CHECK_EQ(t.root.pwrite(h, "ab", 4), 2);
  t.root.close(h);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("0123ab6789"));
  CHECK_EQ(t.root.st("f").size, 10);
}

CASE("rw", "a large multi-extent write reads back exactly") {
  const std::string data = Pattern(300000);
  CHECK_OK(t.root.put("f", data));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK(s == data);
}

CASE("rw", "unaligned writes across 4 KiB and 32 KiB boundaries read back exactly") {
  std::string expect(70000, '\0');
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  const int64_t offsets[] = {4090, 32760, 65530, 1, 40000};
  unsigned seed = 1;
  for (int64_t off : offsets) {
    std::string chunk = Pattern(3000, seed++);
    CHECK_EQ(t.root.pwrite(h, chunk, off), 3000);
    expect.replace(static_cast<size_t>(off), chunk.size(), chunk);
  }
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100000, 0), 68530);
  t.root.close(h);
  CHECK(s == expect.substr(0, 68530));
}

CASE("rw", "a read at an unaligned offset inside a large file returns the right bytes") {
  const std::string data = Pattern(200000, 7);
  CHECK_OK(t.root.put("f", data));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 50000, 32767), 50000);
  t.root.close(h);
  CHECK(s == data.substr(32767, 50000));
}

CASE("rw", "a write through one handle is visible to a read through another") {
  CHECK_OK(t.root.put("f", "old"));
  int64_t a, b;
  CHECK_OK(a = t.root.open("f", O_RDONLY));
  CHECK_OK(b = t.root.open("f", O_WRONLY));
  CHECK_EQ(t.root.pwrite(b, "new", 0), 3);
  std::string s;
  CHECK_EQ(t.root.pread(a, &s, 10, 0), 3);
  CHECK_EQ(s, std::string("new"));
  t.root.close(a);
  t.root.close(b);
}

CASE("rw", "pwrite does not move the file offset used by write") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_EQ(t.root.write(h, "ab"), 2);
  CHECK_EQ(t.root.pwrite(h, "XYZW", 10), 4);
  CHECK_EQ(t.root.write(h, "cd"), 2);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 100, 0), 14);
  t.root.close(h);
  CHECK_EQ(s.substr(0, 4), std::string("abcd"));
}

CASE("rw", "a zero-length write succeeds and changes nothing") {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_WRONLY));
  CHECK_EQ(t.root.pwrite(h, "", 100), 0);
  t.root.close(h);
  CHECK_EQ(t.root.st("f").size, 3);
}

CASE("rw", "a negative pwrite offset gives EINVAL") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_ERR(t.root.pwrite(h, "x", -1), EINVAL);
  std::string s;
  CHECK_ERR(t.root.pread(h, &s, 1, -1), EINVAL);
  t.root.close(h);
}

CASE("rw", "reading a directory handle gives EISDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  std::string s;
  CHECK_ERR(t.root.pread(h, &s, 10, 0), EISDIR);
  t.root.close(h);
}

CASE("rw", "fsync and fdatasync succeed and keep the data") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_EQ(t.root.pwrite(h, "durable", 0), 7);
  CHECK_OK(t.root.fsync(h));
  CHECK_OK(t.root.fsync(h, /*datasync=*/true));
  t.root.close(h);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("durable"));
}

CASE("rw", "fsync on a directory handle succeeds") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("d", O_RDONLY | O_DIRECTORY));
  CHECK_OK(t.root.fsync(h));
  t.root.close(h);
}

CASE("rw", "fsync on a read-only handle succeeds") {
  CHECK_OK(t.root.put("f", "x"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.fsync(h));
  t.root.close(h);
}

CASE("rw", "an unlinked open file can still be written and read") {
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_CREAT | O_RDWR, 0644));
  CHECK_OK(t.root.unlink("f"));
  CHECK_EQ(t.root.pwrite(h, "ghost", 0), 5);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 5);
  CHECK_EQ(s, std::string("ghost"));
  t.root.close(h);
}

CASE("truncate", "shrinking discards the tail") {
  CHECK_OK(t.root.put("f", "0123456789"));
  CHECK_OK(t.root.truncate("f", 4));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("0123"));
  CHECK_EQ(t.root.st("f").size, 4);
}

CASE("truncate", "growing zero-fills the new range") {
  CHECK_OK(t.root.put("f", "abc"));
  CHECK_OK(t.root.truncate("f", 50000));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s.size(), 50000u);
  CHECK_EQ(s.substr(0, 3), std::string("abc"));
  CHECK(s.substr(3) == std::string(49997, '\0'));
}

CASE("truncate", "shrink then grow does not resurrect old data") {
  CHECK_OK(t.root.put("f", Pattern(100000)));
  CHECK_OK(t.root.truncate("f", 10));
  CHECK_OK(t.root.truncate("f", 100000));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK(s.substr(10) == std::string(99990, '\0'));
  CHECK(s.substr(0, 10) == Pattern(100000).substr(0, 10));
}

CASE("truncate", "shrinking inside a block then writing past the cut leaves zeros between") {
  CHECK_OK(t.root.put("f", std::string(8192, 'x')));
  CHECK_OK(t.root.truncate("f", 100));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_EQ(t.root.pwrite(h, "end", 8000), 3);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10000, 0), 8003);
  t.root.close(h);
  CHECK(s.substr(0, 100) == std::string(100, 'x'));
  CHECK(s.substr(100, 7900) == std::string(7900, '\0'));
}

CASE("truncate", "to zero empties the file") {
  CHECK_OK(t.root.put("f", Pattern(40000)));
  CHECK_OK(t.root.truncate("f", 0));
  CHECK_EQ(t.root.st("f").size, 0);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK(s.empty());
}

CASE("truncate", "to the same size keeps the data") {
  CHECK_OK(t.root.put("f", "same"));
  CHECK_OK(t.root.truncate("f", 4));
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("same"));
}

CASE("truncate", "ftruncate through a writable handle") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.ftruncate(h, 2));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  CHECK_EQ(st.size, 2);
  t.root.close(h);
}

CASE("truncate", "ftruncate on a read-only handle gives EINVAL or EBADF") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_ERR2(t.root.ftruncate(h, 2), EINVAL, EBADF);
  t.root.close(h);
  CHECK_EQ(t.root.st("f").size, 10);
}

CASE("truncate", "a negative length gives EINVAL") {
  CHECK_OK(t.root.put("f", "abc"));
  CHECK_ERR(t.root.truncate("f", -1), EINVAL);
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_ERR(t.root.ftruncate(h, -1), EINVAL);
  t.root.close(h);
}

CASE("truncate", "a directory gives EISDIR") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_ERR(t.root.truncate("d", 0), EISDIR);
}

CASE("truncate", "a missing name gives ENOENT") {
  CHECK_ERR(t.root.truncate("missing", 0), ENOENT);
}

CASE("truncate", "a file as path prefix gives ENOTDIR") {
  CHECK_OK(t.root.put("f", "x"));
  CHECK_ERR(t.root.truncate("f/g", 0), ENOTDIR);
}

CASE("truncate", "follows a symlink") {
  CHECK_OK(t.root.put("f", "0123456789"));
  CHECK_OK(t.root.symlink("f", "l"));
  CHECK_OK(t.root.truncate("l", 3));
  CHECK_EQ(t.root.st("f").size, 3);
}

CASE("truncate", "a FIFO gives EINVAL", kFeatSpecial) {
  CHECK_OK(t.root.mknod("p", S_IFIFO | 0666));
  CHECK_ERR(t.root.truncate("p", 0), EINVAL);
}

CASE("truncate", "an open handle sees the new size and zeros past it") {
  CHECK_OK(t.root.put("f", "0123456789"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_OK(t.root.truncate("f", 5));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 5);
  CHECK_OK(t.root.truncate("f", 8));
  CHECK_EQ(t.root.pread(h, &s, 10, 0), 8);
  CHECK_EQ(s, std::string("01234\0\0\0", 8));
  t.root.close(h);
}

CASE("fallocate", "punching a hole reads back zeros and keeps the size", kFeatPunchHole) {
  const std::string data = Pattern(131072, 3);
  CHECK_OK(t.root.put("f", data));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10000, 50000));
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 200000, 0), 131072);
  t.root.close(h);
  CHECK(s.substr(0, 10000) == data.substr(0, 10000));
  CHECK(s.substr(10000, 50000) == std::string(50000, '\0'));
  CHECK(s.substr(60000) == data.substr(60000));
  CHECK_EQ(t.root.st("f").size, 131072);
}

CASE("fallocate", "punching a whole-file hole frees its blocks", kFeatPunchHole,
     kFeatSparseBlocks) {
  CHECK_OK(t.root.put("f", Pattern(1 << 20)));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.fsync(h));
  CHECK_OK(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1 << 20));
  Stat st;
  CHECK_OK(t.root.fstat(h, &st));
  t.root.close(h);
  CHECK(st.blocks * 512 < (1 << 19));
  CHECK_EQ(st.size, 1 << 20);
}

CASE("fallocate", "punching past EOF does not change the size", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1, 1 << 20));
  t.root.close(h);
  Stat st = t.root.st("f");
  CHECK_EQ(st.size, 3);
  std::string s;
  CHECK_OK(t.root.get("f", &s));
  CHECK_EQ(s, std::string("a\0\0", 3));
}

CASE("fallocate", "PUNCH_HOLE without KEEP_SIZE gives EOPNOTSUPP", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_ERR(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
  t.root.close(h);
}

CASE("fallocate", "a zero length gives EINVAL", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_ERR(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 0), EINVAL);
  t.root.close(h);
}

CASE("fallocate", "on a read-only handle gives EBADF", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", "abc"));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDONLY));
  CHECK_ERR(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1), EBADF);
  t.root.close(h);
}

CASE("fallocate", "a write into a punched hole reads back", kFeatPunchHole) {
  CHECK_OK(t.root.put("f", std::string(65536, 'a')));
  int64_t h;
  CHECK_OK(h = t.root.open("f", O_RDWR));
  CHECK_OK(t.root.fallocate(h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 65536));
  CHECK_EQ(t.root.pwrite(h, "b", 40000), 1);
  std::string s;
  CHECK_EQ(t.root.pread(h, &s, 3, 39999), 3);
  t.root.close(h);
  CHECK_EQ(s, std::string("\0b\0", 3));
}

}  // namespace
}  // namespace zerofs::conformance
