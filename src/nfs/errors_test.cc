#include "nfs/errors.h"

#include <gtest/gtest.h>

namespace zerofs::nfs {
namespace {

TEST(ErrorsTest, CommonErrnosMap) {
  EXPECT_EQ(ErrnoToNfsstat3(ENOENT), Nfsstat3::kNoent);
  EXPECT_EQ(ErrnoToNfsstat3(EACCES), Nfsstat3::kAcces);
  EXPECT_EQ(ErrnoToNfsstat3(ESTALE), Nfsstat3::kStale);
  EXPECT_EQ(ErrnoToNfsstat3(ENOTEMPTY), Nfsstat3::kNotempty);
  EXPECT_EQ(ErrnoToNfsstat3(EOPNOTSUPP), Nfsstat3::kNotsupp);
  EXPECT_EQ(ErrnoToNfsstat3(EROFS), Nfsstat3::kRofs);
}

TEST(ErrorsTest, UnknownErrnoIsIo) { EXPECT_EQ(ErrnoToNfsstat3(EPROTO), Nfsstat3::kIo); }

TEST(ErrorsTest, RetryableStoreFailureIsJukebox) {
  EXPECT_EQ(ToNfsstat3(Error(Code::kUnavailable, "s3 down", /*retryable=*/true)),
            Nfsstat3::kJukebox);
  EXPECT_EQ(ToNfsstat3(Error(Code::kCorruption, "bad frame")), Nfsstat3::kIo);
  EXPECT_EQ(ToNfsstat3(Error::Posix(EEXIST)), Nfsstat3::kExist);
}

TEST(ErrorsTest, MountStatus) {
  EXPECT_EQ(ToMountstat3(Error::Posix(ENOENT)), Mountstat3::kNoent);
  EXPECT_EQ(ToMountstat3(Error::Posix(ENOTDIR)), Mountstat3::kNotdir);
  EXPECT_EQ(ToMountstat3(Error::Posix(EACCES)), Mountstat3::kAcces);
  EXPECT_EQ(ToMountstat3(Error::Posix(EXDEV)), Mountstat3::kIo);
}

TEST(ErrorsTest, Names) {
  EXPECT_STREQ(Nfsstat3Name(Nfsstat3::kStale), "NFS3ERR_STALE");
  EXPECT_STREQ(Nfsstat3Name(Nfsstat3::kOk), "NFS3_OK");
}

}  // namespace
}  // namespace zerofs::nfs
