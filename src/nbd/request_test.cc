#include "nbd/request.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace zerofs::nbd {
namespace {

using Action = RequestCheck::Action;

constexpr uint64_t kSize = 1 << 20;
constexpr uint32_t kMax = 64 * 1024;

ExportLimits Limits(bool structured = false, bool read_only = false) {
  return ExportLimits{kSize, kMax, read_only, structured};
}

RequestHeader Req(uint16_t type, uint64_t offset = 0, uint32_t length = 512, uint16_t flags = 0) {
  RequestHeader h;
  h.type = type;
  h.offset = offset;
  h.length = length;
  h.flags = flags;
  h.cookie = 9;
  return h;
}

void ExpectError(const RequestHeader& h, const ExportLimits& l, uint32_t error) {
  RequestCheck c = CheckRequest(h, l);
  EXPECT_EQ(c.action, Action::kReplyError) << CommandName(h.type);
  EXPECT_EQ(c.error, error) << CommandName(h.type) << ": " << c.reason;
  EXPECT_FALSE(c.reason.empty());
}

void ExpectExecute(const RequestHeader& h, const ExportLimits& l) {
  RequestCheck c = CheckRequest(h, l);
  EXPECT_EQ(c.action, Action::kExecute) << CommandName(h.type) << ": " << c.reason;
}

TEST(CheckRequestTest, BadMagicClosesTheConnection) {
  RequestHeader h = Req(kCmdRead);
  h.magic = kSimpleReplyMagic;
  EXPECT_EQ(CheckRequest(h, Limits()).action, Action::kClose);
}

TEST(CheckRequestTest, DiscDisconnectsWhateverItsFields) {
  EXPECT_EQ(CheckRequest(Req(kCmdDisc, 1ull << 60, 0xffffffff, 0xffff), Limits()).action,
            Action::kDisconnect);
}

TEST(CheckRequestTest, EveryKnownCommandInRangeExecutes) {
  for (uint16_t type : {kCmdRead, kCmdWrite, kCmdFlush, kCmdTrim, kCmdCache, kCmdWriteZeroes}) {
    ExpectExecute(Req(type), Limits());
  }
}

TEST(CheckRequestTest, UnsupportedCommandsAreEinval) {
  for (uint16_t type : {kCmdBlockStatus, kCmdResize, uint16_t{9}, uint16_t{0xffff}}) {
    ExpectError(Req(type), Limits(), kEInval);
  }
}

TEST(CheckRequestTest, FuaIsAcceptedOnEveryCommand) {
  for (uint16_t type : {kCmdRead, kCmdWrite, kCmdFlush, kCmdTrim, kCmdCache, kCmdWriteZeroes}) {
    ExpectExecute(Req(type, 0, 512, kCmdFlagFua), Limits());
  }
}

TEST(CheckRequestTest, CommandSpecificFlagsOnlyWhereTheyBelong) {
  ExpectExecute(Req(kCmdWriteZeroes, 0, 512, kCmdFlagNoHole | kCmdFlagFastZero), Limits());
  ExpectError(Req(kCmdWrite, 0, 512, kCmdFlagNoHole), Limits(), kEInval);
  ExpectError(Req(kCmdTrim, 0, 512, kCmdFlagFastZero), Limits(), kEInval);
  ExpectError(Req(kCmdRead, 0, 512, kCmdFlagReqOne), Limits(), kEInval);
  ExpectError(Req(kCmdWrite, 0, 512, kCmdFlagPayloadLen), Limits(), kEInval);
  ExpectError(Req(kCmdFlush, 0, 0, 1 << 15), Limits(), kEInval);
}

TEST(CheckRequestTest, DfNeedsStructuredReplies) {
  ExpectError(Req(kCmdRead, 0, 512, kCmdFlagDf), Limits(false), kEInval);
  ExpectExecute(Req(kCmdRead, 0, 512, kCmdFlagDf), Limits(true));
  ExpectError(Req(kCmdWrite, 0, 512, kCmdFlagDf), Limits(true), kEInval);
}

TEST(CheckRequestTest, ReadOnlyExportRefusesWritesWithEperm) {
  ExportLimits ro = Limits(false, true);
  ExpectError(Req(kCmdWrite), ro, kEPerm);
  ExpectError(Req(kCmdTrim), ro, kEPerm);
  ExpectError(Req(kCmdWriteZeroes), ro, kEPerm);
  ExpectExecute(Req(kCmdRead), ro);
  ExpectExecute(Req(kCmdFlush), ro);
  ExpectExecute(Req(kCmdCache), ro);
}

TEST(CheckRequestTest, OversizedPayloadIsEinvalOrEoverflow) {
  ExpectExecute(Req(kCmdRead, 0, kMax), Limits());
  ExpectError(Req(kCmdRead, 0, kMax + 1), Limits(false), kEInval);
  ExpectError(Req(kCmdRead, 0, kMax + 1), Limits(true), kEOverflow);
  ExpectError(Req(kCmdWrite, 0, kMax + 1), Limits(false), kEInval);
  ExpectError(Req(kCmdWrite, 0, kMax + 1), Limits(true), kEOverflow);
}

TEST(CheckRequestTest, CommandsWithoutPayloadMayExceedTheMaximum) {
  for (uint16_t type : {kCmdTrim, kCmdWriteZeroes, kCmdCache}) {
    ExpectExecute(Req(type, 0, kSize), Limits());
  }
}

TEST(CheckRequestTest, PastTheEndIsEnospcForWritesEinvalOtherwise) {
  ExpectError(Req(kCmdRead, kSize - 511, 512), Limits(), kEInval);
  ExpectError(Req(kCmdWrite, kSize - 511, 512), Limits(), kENoSpc);
  ExpectError(Req(kCmdWriteZeroes, kSize, 1), Limits(), kENoSpc);
  ExpectError(Req(kCmdTrim, kSize + 4096, 0), Limits(), kEInval);
  ExpectError(Req(kCmdCache, 0, kSize + 1), Limits(), kEInval);
  ExpectExecute(Req(kCmdRead, kSize - 512, 512), Limits());
  ExpectExecute(Req(kCmdWrite, kSize, 0), Limits());
}

TEST(CheckRequestTest, HugeOffsetsDoNotWrapAround) {
  ExpectError(Req(kCmdRead, UINT64_MAX, 1), Limits(), kEInval);
  ExpectError(Req(kCmdWrite, UINT64_MAX - 10, 512), Limits(), kENoSpc);
}

TEST(CheckRequestTest, FlushIgnoresItsRange) {
  ExpectExecute(Req(kCmdFlush, UINT64_MAX, 0xffffffff), Limits());
}

}  // namespace
}  // namespace zerofs::nbd
