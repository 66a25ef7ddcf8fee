#include "objstore/s3_errors.h"

#include "objstore/http_errors.h"

namespace zerofs::objstore {
namespace {

// "SignatureDoesNotMatch: The request signature ..." or "HTTP 403".
std::string Detail(const S3Failure& f) { return httperr::Detail(f.code, f.status, f.message); }

}  // namespace

Error MapS3Error(const S3Failure& f) {
  const std::string where = f.op + " " + f.target + " at " + f.endpoint;
  const std::string bucket_url = "s3://" + f.bucket;

  if (!f.transport_error.empty()) return httperr::Unreachable(where, f.endpoint, f.transport_error);

  const std::string& code = f.code;
  if (f.status == 429 || (f.status >= 500 && f.status != 501) ||
      httperr::IsOneOf(code, {"SlowDown", "RequestTimeout", "ConditionalRequestConflict",
                              "OperationAborted", "InternalError", "ServiceUnavailable"})) {
    return Error(Code::kUnavailable, where + ": store busy or failing (" + Detail(f) + ")", true);
  }
  if (code == "NoSuchBucket") {
    return Error(Code::kNotFound, where + ": bucket '" + f.bucket + "' does not exist at " +
                                      f.endpoint + " (create it, or fix the storage URL)");
  }
  if (f.status == 404) {
    if (f.op == "PUT" && f.put_mode == PutMode::kIfMatch) {
      return Error(Code::kPreconditionFailed, where + ": object is gone (If-Match)");
    }
    return Error(Code::kNotFound, where + ": no such object");
  }
  if (f.status == 412 || code == "PreconditionFailed") {
    if (f.put_mode == PutMode::kIfNoneMatch) {
      return Error(Code::kAlreadyExists, where + ": object already exists (If-None-Match)");
    }
    return Error(Code::kPreconditionFailed, where + ": ETag changed (If-Match)");
  }
  if (code == "RequestTimeTooSkewed") {
    return Error(Code::kPermissionDenied,
                 "clock skew: " + where +
                     ": the local clock differs too much from the store's (RequestTimeTooSkewed); "
                     "fix the system time (NTP)");
  }
  if (httperr::IsOneOf(code, {"SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken",
                              "ExpiredToken", "TokenRefreshRequired", "InvalidSecurity"})) {
    return Error(Code::kPermissionDenied, "wrong credentials for " + bucket_url + " at " +
                                              f.endpoint + ": " + code + " (" + f.op + " " +
                                              f.target + ")");
  }
  if (f.status == 403) {
    std::string why = code.empty() ? "HTTP 403 (access denied or wrong credentials)" : code;
    return Error(Code::kPermissionDenied, "access denied to " + f.target + " at " + f.endpoint +
                                              ": " + why + " (" + f.op +
                                              "); check the credentials and the bucket policy");
  }
  if (f.status == 301 ||
      httperr::IsOneOf(code, {"PermanentRedirect", "AuthorizationHeaderMalformed",
                              "IllegalLocationConstraintException"})) {
    return Error(Code::kInvalidArgument,
                 where + ": " + Detail(f) +
                     " (the bucket is probably in another region: set [aws] default_region)");
  }
  return Error(Code::kIoError, where + ": " + Detail(f));
}

}  // namespace zerofs::objstore
