#include "crypto/key_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>

#include "base/coding.h"
#include "base/crc32c.h"
#include "crypto/key_file_format.h"

namespace zerofs::crypto {
namespace {

// libsodium's Argon2id minimum: milliseconds per derivation, for tests that
// derive once per byte of the file.
constexpr KdfParams kTinyKdf = {kMinOpslimit, kMinMemlimit};

bool SameSecretKey(const SecretKey& a, const SecretKey& b) {
  return std::memcmp(a.data(), b.data(), kKeyBytes) == 0;
}

// Recomputes the trailing checksum, as an attacker (not bit rot) would.
void FixChecksum(std::string* file) {
  const size_t covered = file->size() - kKeyFileChecksumBytes;
  uint32_t crc = Crc32c(file->data(), covered);
  file->resize(covered);
  PutLE32(file, crc);
}

TEST(KeyFileTest, CreateThenOpenWithRightPassword) {
  auto created = CreateKeyFile("correct horse", KdfParams::Interactive());
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_EQ(created->file_bytes.size(), kKeyFileBytes);
  EXPECT_EQ(created->file_bytes.substr(0, 8), "ZEROFSKF");
  auto opened = OpenKeyFile(created->file_bytes, "correct horse");
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_TRUE(SameSecretKey(*opened, created->data_key));
}

TEST(KeyFileTest, HeaderRecordsParameters) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  auto parsed = ParseKeyFile(created->file_bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->params.opslimit, kTinyKdf.opslimit);
  EXPECT_EQ(parsed->params.memlimit, kTinyKdf.memlimit);
  const std::string& f = created->file_bytes;
  EXPECT_EQ(LoadLE16(f.data() + 8), 1);
  EXPECT_EQ(static_cast<uint8_t>(f[10]), kKdfArgon2id13);
  EXPECT_EQ(LoadLE64(f.data() + 11), kTinyKdf.opslimit);
  EXPECT_EQ(LoadLE64(f.data() + 19), kTinyKdf.memlimit);
}

TEST(KeyFileTest, WrongPasswordIsPermissionDenied) {
  auto created = CreateKeyFile("right", KdfParams::Interactive());
  ASSERT_TRUE(created.ok());
  for (const char* wrong : {"wrong", "", "right ", "Right"}) {
    auto opened = OpenKeyFile(created->file_bytes, wrong);
    ASSERT_FALSE(opened.ok()) << wrong;
    EXPECT_EQ(opened.error().code(), Code::kPermissionDenied);
    EXPECT_EQ(opened.error().context(), "wrong encryption password");
  }
}

TEST(KeyFileTest, FlippedByteAnywhereIsCorruption) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  const std::string& file = created->file_bytes;
  for (size_t i = 0; i < file.size(); i++) {
    std::string bad = file;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto opened = OpenKeyFile(bad, "pw");
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.error().code(), Code::kCorruption) << "byte " << i;
  }
}

// With the checksum recomputed, a flip must still never yield a key: the
// header is the wrap's associated data, so parameters cannot be altered.
TEST(KeyFileTest, ForgedChecksumStillNeverYieldsKey) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  const std::string& file = created->file_bytes;
  for (size_t i = 0; i < file.size() - kKeyFileChecksumBytes; i++) {
    std::string bad = file;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    FixChecksum(&bad);
    auto opened = OpenKeyFile(bad, "pw");
    ASSERT_FALSE(opened.ok()) << "byte " << i;
  }
}

TEST(KeyFileTest, TruncatedOrExtendedFileIsCorruption) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  const std::string& file = created->file_bytes;
  for (size_t n = 0; n < file.size(); n++) {
    auto opened = OpenKeyFile(file.substr(0, n), "pw");
    ASSERT_FALSE(opened.ok()) << n;
    EXPECT_EQ(opened.error().code(), Code::kCorruption);
  }
  EXPECT_EQ(OpenKeyFile(file + "x", "pw").error().code(), Code::kCorruption);
}

TEST(KeyFileTest, UnknownVersionIsReported) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  std::string bad = created->file_bytes;
  bad[8] = 2;
  auto opened = OpenKeyFile(bad, "pw");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), Code::kCorruption);
  EXPECT_NE(opened.error().context().find("unsupported key file version 2"), std::string::npos);
}

TEST(KeyFileTest, AbsurdParametersAreRejectedBeforeDerivation) {
  auto created = CreateKeyFile("pw", kTinyKdf);
  ASSERT_TRUE(created.ok());
  const struct {
    size_t offset;
    uint64_t value;
  } cases[] = {
      {11, 0},     {11, 101},  {11, ~uint64_t{0}},  // opslimit
      {19, 0},     {19, 8191}, {19, (uint64_t{4} << 30) + 1},
      {19, ~0ull},  // memlimit
  };
  for (const auto& c : cases) {
    std::string bad = created->file_bytes;
    for (int i = 0; i < 8; i++) bad[c.offset + i] = static_cast<char>(c.value >> (8 * i));
    FixChecksum(&bad);
    auto opened = OpenKeyFile(bad, "pw");
    ASSERT_FALSE(opened.ok()) << c.offset << " " << c.value;
    EXPECT_EQ(opened.error().code(), Code::kCorruption);
    EXPECT_NE(opened.error().context().find("out of range"), std::string::npos);
  }
  std::string bad_alg = created->file_bytes;
  bad_alg[10] = 2;
  FixChecksum(&bad_alg);
  EXPECT_EQ(OpenKeyFile(bad_alg, "pw").error().code(), Code::kCorruption);
}

TEST(KeyFileTest, CreateRejectsBadArguments) {
  EXPECT_EQ(CreateKeyFile("", kTinyKdf).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(CreateKeyFile("pw", KdfParams{0, kMinMemlimit}).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(CreateKeyFile("pw", KdfParams{1, 1024}).error().code(), Code::kInvalidArgument);
}

TEST(KeyFileTest, RewrapKeepsDataKeyAndRetiresOldPassword) {
  auto created = CreateKeyFile("old", KdfParams::Interactive());
  ASSERT_TRUE(created.ok());
  auto rewrapped = RewrapKeyFile(created->file_bytes, "old", "new", KdfParams::Interactive());
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.error().ToString();
  // Fresh salt: the header differs, not only the wrapped key.
  EXPECT_NE(rewrapped->substr(27, kKeyFileSaltBytes),
            created->file_bytes.substr(27, kKeyFileSaltBytes));

  auto with_new = OpenKeyFile(*rewrapped, "new");
  ASSERT_TRUE(with_new.ok()) << with_new.error().ToString();
  EXPECT_TRUE(SameSecretKey(*with_new, created->data_key));
  Subkeys before = DeriveSubkeys(created->data_key);
  Subkeys after = DeriveSubkeys(*with_new);
  EXPECT_TRUE(SameSecretKey(before.data, after.data));
  EXPECT_TRUE(SameSecretKey(before.meta, after.meta));

  auto with_old = OpenKeyFile(*rewrapped, "old");
  ASSERT_FALSE(with_old.ok());
  EXPECT_EQ(with_old.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(with_old.error().context(), "wrong encryption password");
}

TEST(KeyFileTest, RewrapWithWrongOldPasswordFails) {
  auto created = CreateKeyFile("old", kTinyKdf);
  ASSERT_TRUE(created.ok());
  auto r = RewrapKeyFile(created->file_bytes, "nope", "new", kTinyKdf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kPermissionDenied);
  EXPECT_EQ(RewrapKeyFile(created->file_bytes, "old", "", kTinyKdf).error().code(),
            Code::kInvalidArgument);
}

TEST(KeyFileTest, SubkeysDifferFromEachOtherAndFromDataKey) {
  SecretKey data_key = SecretKey::Random();
  Subkeys s = DeriveSubkeys(data_key);
  EXPECT_FALSE(SameSecretKey(s.data, s.meta));
  EXPECT_FALSE(SameSecretKey(s.data, data_key));
  EXPECT_FALSE(SameSecretKey(s.meta, data_key));
  // Deterministic.
  Subkeys again = DeriveSubkeys(data_key);
  EXPECT_TRUE(SameSecretKey(s.data, again.data));
  EXPECT_TRUE(SameSecretKey(s.meta, again.meta));
}

TEST(KeyFileTest, KdfProfiles) {
  EXPECT_EQ(KdfParams::Default().opslimit, 3u);
  EXPECT_EQ(KdfParams::Default().memlimit, 256u << 20);
  EXPECT_EQ(KdfParams::Interactive().opslimit, 2u);
  EXPECT_EQ(KdfParams::Interactive().memlimit, 64u << 20);
  ASSERT_EQ(setenv("ZEROFS_TEST_FAST_KDF", "1", 1), 0);
  EXPECT_EQ(KdfParamsFromEnv().memlimit, KdfParams::Interactive().memlimit);
  ASSERT_EQ(setenv("ZEROFS_TEST_FAST_KDF", "0", 1), 0);
  EXPECT_EQ(KdfParamsFromEnv().memlimit, KdfParams::Default().memlimit);
  ASSERT_EQ(unsetenv("ZEROFS_TEST_FAST_KDF"), 0);
  EXPECT_EQ(KdfParamsFromEnv().memlimit, KdfParams::Default().memlimit);
}

}  // namespace
}  // namespace zerofs::crypto
