// Privacy: after writing files with known names and contents, no byte string
// of any file name, symlink target, xattr or file content appears anywhere in
// the store. The same search over the local index (which holds names in
// clear) must find them, which shows the search itself works.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_env.h"

namespace zerofs {
namespace {

using fs::Cred;
using fs::kRootInode;

std::string ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Names of the secrets found in any regular file under `dir`.
std::vector<std::string> FindSecrets(const std::string& dir,
                                     const std::vector<std::string>& secrets) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadWhole(entry.path());
    for (const auto& s : secrets) {
      if (bytes.find(s) != std::string::npos) found.push_back(s + " in " + entry.path().string());
    }
  }
  return found;
}

void WriteSecrets(fs::FileSystem* fs, std::vector<std::string>* secrets) {
  auto dir = fs->Mkdir(Cred::Root(), kRootInode, "dir-name-Pq7Zr2Wv", 0755);
  ASSERT_TRUE(dir.ok());
  secrets->push_back("dir-name-Pq7Zr2Wv");
  // Name tails: what survives RocksDB's key prefix compression, if anything.
  secrets->push_back("Kx9Lm4Qa");
  secrets->push_back("Yt6Hn3Bd");
  for (int i = 0; i < 20; i++) {
    const std::string name = "file-name-" + std::to_string(i) + "-Kx9Lm4Qa";
    const std::string marker = "CONTENT-MARKER-" + std::to_string(i) + "-Yt6Hn3Bd";
    secrets->push_back(name);
    secrets->push_back(marker);
    auto f = fs->Create(Cred::Root(), dir->ino, name, 0644, true);
    ASSERT_TRUE(f.ok());
    // Markers spread over several extents, amid varied text.
    std::string content;
    for (int k = 0; content.size() < 100000; k++) {
      content += marker + " line " + std::to_string(k * 7919 + i) + " of a secret document\n";
    }
    ASSERT_TRUE(fs->Write(Cred::Root(), f->attr.ino, 0, content).ok());
    if (i == 0) {
      ASSERT_TRUE(
          fs->SetXattr(Cred::Root(), f->attr.ino, "user.xattr-name-Jd8Vc1", "xattr-value-Ub5Ws7", 0)
              .ok());
      secrets->push_back("xattr-name-Jd8Vc1");
      secrets->push_back("xattr-value-Ub5Ws7");
    }
  }
  ASSERT_TRUE(
      fs->Symlink(Cred::Root(), dir->ino, "link-name-Ge2Nf6", "symlink-target-Rh4Tq8").ok());
  secrets->push_back("link-name-Ge2Nf6");
  secrets->push_back("symlink-target-Rh4Tq8");
  ASSERT_TRUE(fs->Fsync(kRootInode).ok());
}

class PrivacyTest : public ::testing::TestWithParam<crypto::Codec> {};

TEST_P(PrivacyTest, NoNameOrContentInTheStore) {
  testing::TestEnvOptions options;
  options.codec = GetParam();  // kRaw: nothing hidden by compression
  auto env = testing::TestEnv::Create(options);
  std::vector<std::string> secrets;
  WriteSecrets(env->fs(), &secrets);
  // Unflushed journal in segments, then a clean close: snapshot SSTs too.
  env->Restart(/*clean=*/true);

  const auto in_store = FindSecrets(env->store_dir(), secrets);
  EXPECT_TRUE(in_store.empty()) << "found in the store: " << in_store.front();

  // The local index keeps names in clear; finding them there proves that the
  // search above would have found them in the store.
  ASSERT_TRUE(env->fs()->Flush().ok());
  const auto in_index = FindSecrets(env->index_dir(), secrets);
  EXPECT_FALSE(in_index.empty()) << "the search found nothing even in the clear-text index";
}

INSTANTIATE_TEST_SUITE_P(Codecs, PrivacyTest,
                         ::testing::Values(crypto::Codec::kRaw, crypto::Codec::kZstd,
                                           crypto::Codec::kLz4));

}  // namespace
}  // namespace zerofs
