// Azure Storage Shared Key signing ("Authorize with Shared Key",
// learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key) and
// the base64 helpers it needs.
//
// Contract:
//  - Pure functions, thread-safe, no I/O.
//  - The account key only enters the HMAC; nothing returned contains it. The
//    Authorization value names the account (not secret, but never logged).
//  - Requests carry x-ms-date, so the string-to-sign's Date line is empty,
//    and ranges travel as x-ms-range, so its Range line is empty too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zerofs::objstore::azure {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding; nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// "Mon, 23 Nov 2026 19:37:04 GMT" for the current time (x-ms-date).
std::string HttpDateNow();

struct SignInput {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // the URL path exactly as sent (percent-encoded)
  Params query;        // raw (decoded) names and values
  Params headers;      // every header sent, names in any case
  uint64_t content_length = 0;
};

// The Shared Key string-to-sign (service version 2015-02-21 or later: a zero
// Content-Length is an empty line).
std::string StringToSign(const SignInput& input, std::string_view account);

// "SharedKey <account>:<base64 HMAC-SHA256 of StringToSign under key>";
// `key` is the decoded account key.
std::string SharedKeyAuthorization(const SignInput& input, std::string_view account,
                                   std::string_view key);

}  // namespace zerofs::objstore::azure
