#include "nbd/errors.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "nbd/wire.h"

namespace zerofs::nbd {
namespace {

TEST(ToNbdErrorTest, Table) {
  EXPECT_EQ(ToNbdError(EPERM), kEPerm);
  EXPECT_EQ(ToNbdError(EACCES), kEPerm);
  EXPECT_EQ(ToNbdError(EROFS), kEPerm);
  EXPECT_EQ(ToNbdError(EIO), kEIo);
  EXPECT_EQ(ToNbdError(ENOMEM), kENoMem);
  EXPECT_EQ(ToNbdError(EINVAL), kEInval);
  EXPECT_EQ(ToNbdError(ENOSPC), kENoSpc);
  EXPECT_EQ(ToNbdError(EFBIG), kENoSpc);
  EXPECT_EQ(ToNbdError(EDQUOT), kENoSpc);
  EXPECT_EQ(ToNbdError(ESHUTDOWN), kEShutdown);
}

TEST(ToNbdErrorTest, UnknownAndVanishedAreEio) {
  EXPECT_EQ(ToNbdError(ESTALE), kEIo);
  EXPECT_EQ(ToNbdError(ENOENT), kEIo);
  EXPECT_EQ(ToNbdError(0), kEIo);
  EXPECT_EQ(ToNbdError(12345), kEIo);
}

TEST(ToNbdErrorTest, EnotsupOnlyForFastZero) {
  EXPECT_EQ(ToNbdError(ENOTSUP), kEInval);
  EXPECT_EQ(ToNbdError(EOPNOTSUPP), kEInval);
  EXPECT_EQ(ToNbdError(ENOTSUP, ErrorContext{true, false}), kENotSup);
}

TEST(ToNbdErrorTest, EoverflowOnlyWithStructuredReplies) {
  EXPECT_EQ(ToNbdError(EOVERFLOW), kEInval);
  EXPECT_EQ(ToNbdError(EOVERFLOW, ErrorContext{false, true}), kEOverflow);
}

TEST(ToNbdErrorTest, FromErrorValue) {
  EXPECT_EQ(ToNbdError(Error::Posix(ENOSPC)), kENoSpc);
  EXPECT_EQ(ToNbdError(Error(Code::kFenced, "fenced")), kEPerm);  // EROFS
  EXPECT_EQ(ToNbdError(Error(Code::kUnavailable, "store down")), kEIo);
}

TEST(ToOptionReplyErrorTest, Table) {
  EXPECT_EQ(ToOptionReplyError(ENOENT), kRepErrUnknown);
  EXPECT_EQ(ToOptionReplyError(ENOTDIR), kRepErrUnknown);
  EXPECT_EQ(ToOptionReplyError(EIO), kRepErrUnknown);
  EXPECT_EQ(ToOptionReplyError(EACCES), kRepErrPolicy);
  EXPECT_EQ(ToOptionReplyError(EPERM), kRepErrPolicy);
  EXPECT_EQ(ToOptionReplyError(ESHUTDOWN), kRepErrShutdown);
}

}  // namespace
}  // namespace zerofs::nbd
