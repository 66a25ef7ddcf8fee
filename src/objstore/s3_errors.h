// The one table that turns an S3 failure (HTTP status + S3 error code, or a
// transport failure) into an Error of the ObjectStore contract.
//
// Every message names the operation, the object URL (s3://bucket/prefix/key)
// and the endpoint; none contains credentials (callers pass no secrets in).
//
//   transport failure / 5xx (not 501) / 429 / SlowDown / RequestTimeout /
//   409 ConditionalRequestConflict, OperationAborted   -> kUnavailable, retryable
//   404 NoSuchBucket                 -> kNotFound "bucket 'b' does not exist at <endpoint>"
//   404 otherwise                    -> kNotFound (kPreconditionFailed for If-Match puts:
//                                       AWS answers 404 when the object is gone)
//   412                              -> kAlreadyExists (If-None-Match put),
//                                       kPreconditionFailed otherwise
//   403 SignatureDoesNotMatch, InvalidAccessKeyId, InvalidToken, ExpiredToken
//                                    -> kPermissionDenied "wrong credentials for ..."
//   403 RequestTimeTooSkewed         -> kPermissionDenied "clock skew: ..."
//   403 otherwise (AccessDenied)     -> kPermissionDenied "access denied to ..."
//   301/400 region errors            -> kInvalidArgument naming the region setting
//   anything else                    -> kIoError with the S3 code and message
#pragma once

#include <string>

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

struct S3Failure {
  std::string op;        // "GET", "PUT", "LIST", "DELETE", "HEAD", "multipart PUT"
  std::string target;    // "s3://bucket/prefix/key"
  std::string bucket;    // "bucket"
  std::string endpoint;  // "http://127.0.0.1:7480"
  PutMode put_mode = PutMode::kOverwrite;  // for PUTs: what 412/404 mean

  // Transport failure (no HTTP response): the HttpClient's message.
  std::string transport_error;
  // Otherwise the HTTP response.
  long status = 0;
  std::string code;     // S3 <Code>, empty when the body had none
  std::string message;  // S3 <Message>
};

Error MapS3Error(const S3Failure& failure);

}  // namespace zerofs::objstore
