#include "objstore/s3_errors.h"

#include <gtest/gtest.h>

namespace zerofs::objstore {
namespace {

S3Failure Failure(long status, std::string code, PutMode mode = PutMode::kOverwrite,
                  std::string op = "PUT") {
  S3Failure f;
  f.op = std::move(op);
  f.target = "s3://bkt/pre/key";
  f.bucket = "bkt";
  f.endpoint = "https://s3.example:9000";
  f.put_mode = mode;
  f.status = status;
  f.code = std::move(code);
  return f;
}

TEST(S3ErrorsTest, MissingObjectAndBucket) {
  Error e = MapS3Error(Failure(404, "NoSuchKey", PutMode::kOverwrite, "GET"));
  EXPECT_EQ(e.code(), Code::kNotFound);
  EXPECT_EQ(e.context(), "GET s3://bkt/pre/key at https://s3.example:9000: no such object");
  Error b = MapS3Error(Failure(404, "NoSuchBucket"));
  EXPECT_EQ(b.code(), Code::kNotFound);
  EXPECT_NE(b.context().find("bucket 'bkt' does not exist at https://s3.example:9000"),
            std::string::npos);
  EXPECT_EQ(MapS3Error(Failure(404, "", PutMode::kOverwrite, "HEAD")).code(), Code::kNotFound);
  // AWS answers 404 to If-Match on a missing object: the CAS lost.
  EXPECT_EQ(MapS3Error(Failure(404, "NoSuchKey", PutMode::kIfMatch)).code(),
            Code::kPreconditionFailed);
}

TEST(S3ErrorsTest, PreconditionsDependOnTheMode) {
  EXPECT_EQ(MapS3Error(Failure(412, "PreconditionFailed", PutMode::kIfNoneMatch)).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(MapS3Error(Failure(412, "PreconditionFailed", PutMode::kIfMatch)).code(),
            Code::kPreconditionFailed);
  Error conflict = MapS3Error(Failure(409, "ConditionalRequestConflict", PutMode::kIfNoneMatch));
  EXPECT_EQ(conflict.code(), Code::kUnavailable);
  EXPECT_TRUE(conflict.retryable());
}

TEST(S3ErrorsTest, CredentialsAndClock) {
  for (const char* code : {"SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken"}) {
    Error e = MapS3Error(Failure(403, code));
    EXPECT_EQ(e.code(), Code::kPermissionDenied);
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(
        e.context().rfind(
            "wrong credentials for s3://bkt at https://s3.example:9000: " + std::string(code), 0),
        0u)
        << e.context();
  }
  Error denied = MapS3Error(Failure(403, "AccessDenied"));
  EXPECT_EQ(denied.code(), Code::kPermissionDenied);
  EXPECT_NE(denied.context().find("access denied to s3://bkt/pre/key at https://s3.example:9000"),
            std::string::npos);
  Error skew = MapS3Error(Failure(403, "RequestTimeTooSkewed"));
  EXPECT_EQ(skew.code(), Code::kPermissionDenied);
  EXPECT_EQ(skew.context().rfind("clock skew: ", 0), 0u);
  EXPECT_NE(skew.context().find("https://s3.example:9000"), std::string::npos);
  Error head = MapS3Error(Failure(403, "", PutMode::kOverwrite, "HEAD"));
  EXPECT_EQ(head.code(), Code::kPermissionDenied);
}

TEST(S3ErrorsTest, ThrottlingServerErrorsAndNetworkAreRetryable) {
  for (long status : {429L, 500L, 502L, 503L, 504L}) {
    Error e = MapS3Error(Failure(status, ""));
    EXPECT_EQ(e.code(), Code::kUnavailable) << status;
    EXPECT_TRUE(e.retryable()) << status;
  }
  EXPECT_TRUE(MapS3Error(Failure(503, "SlowDown")).retryable());
  EXPECT_TRUE(MapS3Error(Failure(400, "RequestTimeout")).retryable());
  EXPECT_FALSE(MapS3Error(Failure(501, "NotImplemented")).retryable());
  S3Failure net = Failure(0, "");
  net.transport_error = "Failed to connect to s3.example port 9000: Connection refused";
  Error e = MapS3Error(net);
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.context(),
            "PUT s3://bkt/pre/key at https://s3.example:9000: cannot reach the store at "
            "https://s3.example:9000: Failed to connect to s3.example port 9000: Connection "
            "refused");
}

TEST(S3ErrorsTest, RegionAndOtherErrors) {
  EXPECT_EQ(MapS3Error(Failure(400, "AuthorizationHeaderMalformed")).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MapS3Error(Failure(301, "PermanentRedirect")).code(), Code::kInvalidArgument);
  Error other = MapS3Error(Failure(400, "InvalidArgument"));
  EXPECT_EQ(other.code(), Code::kIoError);
  EXPECT_FALSE(other.retryable());
  EXPECT_NE(other.context().find("InvalidArgument"), std::string::npos);
}

}  // namespace
}  // namespace zerofs::objstore
