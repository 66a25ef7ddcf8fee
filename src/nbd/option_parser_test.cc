#include "nbd/option_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "base/coding.h"

namespace zerofs::nbd {
namespace {

using Kind = ParsedOption::Kind;

std::string BE16(uint16_t v) {
  return std::string{static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string BE32(uint32_t v) {
  std::string s;
  PutBE32(&s, v);
  return s;
}
// An INFO/GO payload: name length, name, count, requests.
std::string InfoPayload(const std::string& name, std::initializer_list<uint16_t> infos) {
  std::string s =
      BE32(static_cast<uint32_t>(name.size())) + name + BE16(static_cast<uint16_t>(infos.size()));
  for (uint16_t i : infos) s += BE16(i);
  return s;
}

TEST(ClientFlagsTest, KnownFlagsAreAccepted) {
  ClientFlags f;
  ASSERT_TRUE(ParseClientFlags(BE32(0), &f));
  EXPECT_FALSE(f.fixed_newstyle);
  EXPECT_FALSE(f.no_zeroes);
  ASSERT_TRUE(ParseClientFlags(BE32(3), &f));
  EXPECT_TRUE(f.fixed_newstyle);
  EXPECT_TRUE(f.no_zeroes);
}

TEST(ClientFlagsTest, UnknownFlagOrWrongSizeIsRefused) {
  ClientFlags f;
  EXPECT_FALSE(ParseClientFlags(BE32(4), &f));
  EXPECT_FALSE(ParseClientFlags(BE32(0x80000001), &f));
  EXPECT_FALSE(ParseClientFlags(std::string(3, '\0'), &f));
  EXPECT_FALSE(ParseClientFlags(std::string(5, '\0'), &f));
}

TEST(OptionHeaderTest, MagicAndLengthAreChecked) {
  EXPECT_EQ(CheckOptionHeader(OptionHeader{kIHaveOpt, kOptGo, 100}, 100), OptionHeaderCheck::kOk);
  EXPECT_EQ(CheckOptionHeader(OptionHeader{kIHaveOpt, kOptGo, 101}, 100),
            OptionHeaderCheck::kTooBig);
  EXPECT_EQ(CheckOptionHeader(OptionHeader{kNbdMagic, kOptGo, 0}, 100),
            OptionHeaderCheck::kBadMagic);
}

TEST(ParseOptionTest, ExportNameIsTheWholePayload) {
  ParsedOption p = ParseOption(kOptExportName, "disk1");
  EXPECT_EQ(p.kind, Kind::kExportName);
  EXPECT_EQ(p.option, kOptExportName);
  EXPECT_EQ(p.name, "disk1");
  EXPECT_EQ(ParseOption(kOptExportName, "").kind, Kind::kExportName);
}

TEST(ParseOptionTest, ExportNameWithNulOrTooLongIsInvalid) {
  EXPECT_EQ(ParseOption(kOptExportName, std::string("a\0b", 3)).kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptExportName, std::string(kMaxStringSize, 'x')).kind, Kind::kExportName);
  ParsedOption p = ParseOption(kOptExportName, std::string(kMaxStringSize + 1, 'x'));
  EXPECT_EQ(p.kind, Kind::kInvalid);
  EXPECT_NE(p.error.find("4097"), std::string::npos) << p.error;
}

TEST(ParseOptionTest, GoAndInfoDecodeNameAndRequests) {
  ParsedOption go = ParseOption(kOptGo, InfoPayload("vol", {kInfoBlockSize, kInfoName}));
  EXPECT_EQ(go.kind, Kind::kGo);
  EXPECT_EQ(go.name, "vol");
  EXPECT_EQ(go.info_requests, (std::vector<uint16_t>{kInfoBlockSize, kInfoName}));
  ParsedOption info = ParseOption(kOptInfo, InfoPayload("", {}));
  EXPECT_EQ(info.kind, Kind::kInfo);
  EXPECT_EQ(info.name, "");
  EXPECT_TRUE(info.info_requests.empty());
}

TEST(ParseOptionTest, GoWithBadLengthsIsInvalid) {
  EXPECT_EQ(ParseOption(kOptGo, "").kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptGo, std::string(3, '\0')).kind, Kind::kInvalid);
  // Name length past the payload.
  EXPECT_EQ(ParseOption(kOptGo, BE32(10) + "abc" + BE16(0)).kind, Kind::kInvalid);
  // Huge name length (no overflow).
  EXPECT_EQ(ParseOption(kOptGo, BE32(0xffffffff) + "abc").kind, Kind::kInvalid);
  // Missing request count.
  EXPECT_EQ(ParseOption(kOptGo, BE32(3) + "abc").kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptGo, BE32(3) + "abc" + std::string(1, '\0')).kind, Kind::kInvalid);
  // Count says 2, one given; count says 1, two given; odd trailing byte.
  EXPECT_EQ(ParseOption(kOptGo, BE32(3) + "abc" + BE16(2) + BE16(1)).kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptInfo, BE32(3) + "abc" + BE16(1) + BE16(1) + BE16(3)).kind,
            Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptInfo, InfoPayload("abc", {1}) + "x").kind, Kind::kInvalid);
}

TEST(ParseOptionTest, GoWithBadNameIsInvalid) {
  EXPECT_EQ(ParseOption(kOptGo, InfoPayload(std::string("a\0", 2), {})).kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptGo, InfoPayload(std::string(kMaxStringSize + 1, 'n'), {})).kind,
            Kind::kInvalid);
}

TEST(ParseOptionTest, ListAndStructuredReplyTakeNoPayload) {
  EXPECT_EQ(ParseOption(kOptList, "").kind, Kind::kList);
  EXPECT_EQ(ParseOption(kOptList, "x").kind, Kind::kInvalid);
  EXPECT_EQ(ParseOption(kOptStructuredReply, "").kind, Kind::kStructuredReply);
  EXPECT_EQ(ParseOption(kOptStructuredReply, "x").kind, Kind::kInvalid);
}

TEST(ParseOptionTest, AbortIgnoresPayload) {
  EXPECT_EQ(ParseOption(kOptAbort, "").kind, Kind::kAbort);
  EXPECT_EQ(ParseOption(kOptAbort, "junk").kind, Kind::kAbort);
}

TEST(ParseOptionTest, OtherOptionsAreUnsupported) {
  for (uint32_t opt : {kOptStartTls, kOptListMetaContext, kOptSetMetaContext, kOptExtendedHeaders,
                       0u, 4u, 12u, 0xdeadbeefu}) {
    ParsedOption p = ParseOption(opt, "payload");
    EXPECT_EQ(p.kind, Kind::kUnsupported) << opt;
    EXPECT_EQ(p.option, opt);
  }
}

}  // namespace
}  // namespace zerofs::nbd
