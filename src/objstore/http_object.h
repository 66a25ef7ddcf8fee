// What the HTTP object-store backends (S3Store, AzureStore) share once a
// request is answered: the "<prefix>/" key layout, byte ranges as
// "bytes=a-b", and turning GET/HEAD/PUT answers into the ObjectStore types.
// `where` names the request in errors, e.g. "GET s3://b/k at http://h:80".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/http_client.h"
#include "objstore/object_store.h"

namespace zerofs::objstore::httpobj {

// A whole unsigned decimal, nothing else.
bool ParseU64(std::string_view s, uint64_t* out);

// "<prefix>/<key>", or just `key` without a prefix.
std::string FullKey(std::string_view prefix, std::string_view key);

// The Range (x-ms-range) header value "bytes=a-b" / "bytes=a-", or nothing
// when `range` asks for the whole object.
std::optional<std::string> RangeHeader(const std::optional<ByteRange>& range);

// A 200 or 206 answer to a GET of `range`. A 200 carries the whole object
// (the store may have ignored the range), which is sliced here.
Result<GetResult> FromGet(HttpResponse r, const std::optional<ByteRange>& range,
                          const std::string& where);

// A 416 answer (the range starts at or past the end): empty data, with the
// size and ETag from a HEAD.
Result<GetResult> PastTheEnd(Result<ObjectInfo> head);

Result<ObjectInfo> FromHead(const HttpResponse& r, std::string_view key, const std::string& where);

// The unquoted ETag of a successful PUT; an answer without one is an error.
Result<std::string> PutEtag(const HttpResponse& r, const std::string& where);

// Listed objects (full keys) as the store reports them: under `full_prefix`,
// relative to the store's `prefix`.
std::vector<ObjectInfo> Unprefixed(std::vector<ObjectInfo> listed, std::string_view full_prefix,
                                   std::string_view prefix);

}  // namespace zerofs::objstore::httpobj
