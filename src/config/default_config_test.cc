#include "config/default_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "config/load_config.h"
#include "config/password.h"

namespace zerofs::config {
namespace {

// An environment where HOME is set and nothing else.
EnvLookup HomeOnly() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/tester");
    return std::nullopt;
  };
}

// Every variable is set (to "v"), so commented-out ${...} examples resolve.
EnvLookup Everything() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/tester");
    return std::string("v");
  };
}

const std::regex kCommentedKey(R"(^# ([a-z_]+) = (.*)$)");
const std::regex kCommentedSection(R"(^# (\[[a-z_.]+\])$)");
const std::regex kKey(R"(^([a-z_]+) = )");
const std::regex kSection(R"(^\[([a-z_.]+)\]$)");

// The text with every "# key = value" and "# [section]" line uncommented.
std::string UncommentAll(const std::string& text) {
  std::istringstream in(text);
  std::ostringstream out;
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kCommentedKey)) {
      out << m[1] << " = " << m[2] << "\n";
    } else if (std::regex_match(line, m, kCommentedSection)) {
      out << m[1] << "\n";
    } else {
      out << line << "\n";
    }
  }
  return out.str();
}

// "section.key" for every active key line of `text`.
std::set<std::string> KeysIn(const std::string& text) {
  std::istringstream in(text);
  std::set<std::string> keys;
  std::string section, line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kSection)) {
      section = m[1];
    } else if (std::regex_search(line, m, kKey)) {
      keys.insert(section + "." + std::string(m[1]));
    }
  }
  return keys;
}

TEST(DefaultConfigTest, ParsesAsItIsIntoAWorkingLocalSetup) {
  auto r = ParseConfig(DefaultConfigText("pw123"), "zerofs.toml", HomeOnly());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.storage.url, "file:///home/tester/.local/share/zerofs/data");
  EXPECT_EQ(c.storage.encryption_password, "pw123");
  EXPECT_EQ(c.cache.dir, "/home/tester/.cache/zerofs");
  ASSERT_TRUE(c.servers.nfs && c.servers.ninep && c.servers.nbd);
  EXPECT_EQ(c.servers.nfs->addresses.at(0).ToString(), "127.0.0.1:2049");
  EXPECT_EQ(c.servers.ninep->addresses.at(0).ToString(), "127.0.0.1:5564");
  EXPECT_EQ(c.servers.nbd->addresses.at(0).ToString(), "127.0.0.1:10809");
  EXPECT_FALSE(c.servers.webui.has_value());
  EXPECT_FALSE(c.servers.metrics.has_value());
}

TEST(DefaultConfigTest, CommentedDefaultsMatchBuiltInDefaults) {
  std::string text = DefaultConfigText("pw");
  auto plain = ParseConfig(text, "zerofs.toml", HomeOnly());
  auto uncommented = ParseConfig(UncommentAll(text), "zerofs.toml", Everything());
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  ASSERT_TRUE(uncommented.ok()) << uncommented.error().ToString();
  const Config& a = *plain;
  const Config& b = *uncommented;
  EXPECT_EQ(a.cache.dir, b.cache.dir);
  EXPECT_EQ(a.cache.disk_size_gb, b.cache.disk_size_gb);
  EXPECT_EQ(a.cache.memory_size_gb, b.cache.memory_size_gb);
  EXPECT_EQ(a.cache.read_ahead_mb, b.cache.read_ahead_mb);
  EXPECT_EQ(a.storage.compression, b.storage.compression);
  EXPECT_EQ(a.storage.compression_level, b.storage.compression_level);
  EXPECT_EQ(a.storage.segment_size_mb, b.storage.segment_size_mb);
  EXPECT_EQ(a.storage.flush_interval_secs, b.storage.flush_interval_secs);
  EXPECT_EQ(a.storage.snapshot_interval_secs, b.storage.snapshot_interval_secs);
  EXPECT_EQ(a.filesystem.max_size_gb, b.filesystem.max_size_gb);
  EXPECT_EQ(a.filesystem.write_buffer_mb, b.filesystem.write_buffer_mb);
  EXPECT_EQ(a.filesystem.reconnect_grace_secs, b.filesystem.reconnect_grace_secs);
  EXPECT_EQ(a.servers.nfs->write_mode, b.servers.nfs->write_mode);
  EXPECT_EQ(b.servers.webui->addresses.at(0).port, kDefaultWebUiPort);
  EXPECT_EQ(b.servers.metrics->addresses.at(0).port, kDefaultMetricsPort);
  EXPECT_EQ(a.aws.allow_http, b.aws.allow_http);
  EXPECT_EQ(a.gc.enabled, b.gc.enabled);
  EXPECT_EQ(a.gc.interval_secs, b.gc.interval_secs);
  EXPECT_EQ(a.gc.dead_ratio, b.gc.dead_ratio);
  EXPECT_EQ(a.gc.max_bytes_per_pass_mb, b.gc.max_bytes_per_pass_mb);
  EXPECT_EQ(a.replication.mode, b.replication.mode);
}

TEST(DefaultConfigTest, DocumentsEveryKnownKeyAndNothingElse) {
  std::set<std::string> documented = KeysIn(UncommentAll(DefaultConfigText("pw")));
  std::vector<std::string> known_list = KnownKeys();
  std::set<std::string> known(known_list.begin(), known_list.end());
  EXPECT_EQ(documented, known);
}

TEST(DefaultConfigTest, EachOptionalKeyAloneIsAccepted) {
  // Uncommenting any single optional key (with its section header, if that
  // is commented too) must keep the file valid.
  std::string text = DefaultConfigText("pw");
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int tried = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, kCommentedKey)) continue;
    std::vector<std::string> edited = lines;
    edited[i] = std::string(m[1]) + " = " + std::string(m[2]);
    for (size_t j = i; j-- > 0;) {
      std::smatch s;
      if (std::regex_match(edited[j], s, kSection)) break;
      if (std::regex_match(edited[j], s, kCommentedSection)) {
        edited[j] = s[1];
        break;
      }
    }
    std::string joined;
    for (const std::string& l : edited) joined += l + "\n";
    auto r = ParseConfig(joined, "zerofs.toml", Everything());
    EXPECT_TRUE(r.ok()) << lines[i] << ": " << r.error().ToString();
    ++tried;
  }
  EXPECT_GE(tried, 25);
}

TEST(DefaultConfigTest, GeneratesAFreshPasswordEachTime) {
  auto a = ParseConfig(DefaultConfigText(), "zerofs.toml", HomeOnly());
  auto b = ParseConfig(DefaultConfigText(), "zerofs.toml", HomeOnly());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->storage.encryption_password.size(), 24u);
  EXPECT_NE(a->storage.encryption_password, b->storage.encryption_password);
}

TEST(PasswordTest, UsesAlphanumericsOnly) {
  std::string p = GeneratePassword(1000);
  ASSERT_EQ(p.size(), 1000u);
  std::set<char> seen;
  for (char c : p) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << c;
    seen.insert(c);
  }
  EXPECT_GT(seen.size(), 50u);  // all 62 with overwhelming probability
  EXPECT_EQ(GeneratePassword(0), "");
  EXPECT_EQ(GeneratePassword(7).size(), 7u);
}

}  // namespace
}  // namespace zerofs::config
