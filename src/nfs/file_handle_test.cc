#include "nfs/file_handle.h"

#include <gtest/gtest.h>

namespace zerofs::nfs {
namespace {

TEST(FileHandleTest, RoundTrip) {
  FileHandle fh{0x0102030405060708ull, 0xa1a2a3a4a5a6a7a8ull};
  std::string b = fh.Encode();
  EXPECT_EQ(b.size(), kFileHandleSize);
  EXPECT_EQ(b[0], 1);
  auto d = FileHandle::Decode(b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, fh);
}

TEST(FileHandleTest, WrongLengthIsMalformed) {
  std::string b = FileHandle{5, 6}.Encode();
  EXPECT_FALSE(FileHandle::Decode(b.substr(0, 19)));
  EXPECT_FALSE(FileHandle::Decode(b + "x"));
  EXPECT_FALSE(FileHandle::Decode(""));
}

TEST(FileHandleTest, WrongVersionOrReservedBytesIsMalformed) {
  std::string b = FileHandle{5, 6}.Encode();
  for (int i = 0; i < 4; i++) {
    std::string c = b;
    c[i] = static_cast<char>(c[i] ^ 0x40);
    EXPECT_FALSE(FileHandle::Decode(c)) << i;
  }
}

TEST(FileHandleTest, InodeZeroIsMalformed) {
  EXPECT_FALSE(FileHandle::Decode(FileHandle{0, 6}.Encode()));
}

TEST(FileHandleTest, FromAttrUsesInodeAndGeneration) {
  fs::Attr a;
  a.ino = 42;
  a.generation = 7;
  EXPECT_EQ(FileHandle::From(a), (FileHandle{42, 7}));
}

}  // namespace
}  // namespace zerofs::nfs
