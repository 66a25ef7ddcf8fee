// The XML bodies of the S3 API that S3Store reads and writes, parsed with
// pugixml. Parsers are defensive: any input (truncated, garbage, hostile)
// yields a value or kIoError, never a crash; unknown elements are ignored;
// element names are matched without namespace prefixes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::objstore::s3xml {

// <Error><Code>..</Code><Message>..</Message></Error>. nullopt if `body` is
// not such a document (HEAD responses have no body at all).
struct ErrorBody {
  std::string code;
  std::string message;
};
std::optional<ErrorBody> ParseError(std::string_view body);

// ListObjectsV2. Keys are returned as sent (URL-decoded when the response says
// <EncodingType>url</EncodingType>), with their full bucket path.
struct ListResult {
  std::vector<ObjectInfo> objects;
  bool truncated = false;
  std::string next_token;  // NextContinuationToken
};
Result<ListResult> ParseListObjectsV2(std::string_view body);

// InitiateMultipartUpload -> UploadId.
Result<std::string> ParseInitiateMultipart(std::string_view body);

// CompleteMultipartUpload answers 200 even when it failed: the body is then
// an <Error>. Returns the ETag (quotes stripped) or the ErrorBody.
struct CompleteResult {
  std::string etag;
  std::optional<ErrorBody> error;
};
Result<CompleteResult> ParseCompleteMultipart(std::string_view body);

// DeleteObjects (POST ?delete) -> per-key errors (Quiet mode lists only those).
struct DeleteError {
  std::string key;
  std::string code;
  std::string message;
};
Result<std::vector<DeleteError>> ParseDeleteResult(std::string_view body);

// ListMultipartUploads -> (key, upload id) of uploads in progress.
struct PendingUpload {
  std::string key;
  std::string upload_id;
};
Result<std::vector<PendingUpload>> ParseListMultipartUploads(std::string_view body);

// Request bodies.
std::string BuildDeleteRequest(const std::vector<std::string>& keys);
struct CompletedPart {
  int number = 0;
  std::string etag;  // as returned by UploadPart (quotes stripped)
};
std::string BuildCompleteMultipart(const std::vector<CompletedPart>& parts);

// '"abc"' -> 'abc' (ETags are returned quoted; the interface wants them bare).
std::string StripQuotes(std::string_view etag);
// %XX decoding for encoding-type=url keys; '+' is kept as is.
std::string UrlDecode(std::string_view s);

}  // namespace zerofs::objstore::s3xml
