// AWS Signature Version 4 for S3-style requests signed in the Authorization
// header (docs.aws.amazon.com: "Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk").
//
// Contract:
//  - Pure functions, thread-safe, no I/O.
//  - The payload is always hashed for real (x-amz-content-sha256 is the hex
//    SHA-256 of the body); ZeroFS never sends UNSIGNED-PAYLOAD, so a body
//    corrupted in transit fails the signature check instead of being stored.
//  - Secrets only enter HMAC keys; nothing returned contains the secret key.
//    The Authorization header contains the access key id (not secret, but
//    callers must not log it either).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zerofs::objstore::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request as the signer sees it.
struct Request {
  std::string method;        // "GET", "PUT", ...
  std::string path;          // already URI-encoded ("/bucket/a%20b"), '/' kept
  Headers query;             // raw (not encoded) names and values
  Headers headers;           // must include "host"; names in any case
  std::string payload_hash;  // hex SHA-256 of the body
};

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// Base64 of the raw MD5 of `data` (Content-MD5; required by batch DELETE).
std::string Md5Base64(std::string_view data);

// RFC 3986 encoding as SigV4 requires: unreserved bytes (A-Z a-z 0-9 - . _ ~)
// stay, '/' stays when `keep_slash`, everything else becomes %XX (upper hex).
std::string UriEncode(std::string_view s, bool keep_slash);

// "a=1&b=x%2Fy": names and values encoded, sorted by name then value.
std::string CanonicalQuery(const Headers& query);

// The canonical request: method, path, query, canonical headers, signed
// header list and payload hash, separated by '\n'.
std::string CanonicalRequest(const Request& request);
// "host;range;x-amz-date": lower-cased, sorted header names.
std::string SignedHeaders(const Headers& headers);

// "20130524/us-east-1/s3/aws4_request"
std::string Scope(std::string_view date, std::string_view region, std::string_view service);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// kSigning = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request".
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

// "20130524T000000Z" for the current UTC time.
std::string AmzDateNow();

// Signs `request` in place: adds x-amz-date (= amz_date), x-amz-content-sha256
// (= payload_hash), x-amz-security-token (if a session token is set) and
// Authorization to request->headers.
// REQUIRES: request->headers has a "host" entry; payload_hash is set.
void Sign(Request* request, const Credentials& credentials, std::string_view region,
          std::string_view service, std::string_view amz_date);

}  // namespace zerofs::objstore::sigv4
