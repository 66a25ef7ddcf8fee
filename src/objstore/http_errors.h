// Pieces of error handling the HTTP object-store backends (S3Store,
// AzureStore) share: their clients' success test and secret scrubbing, and
// their error tables' (s3_errors.h, azure_errors.h) common messages.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::objstore::httperr {

// True for 2xx and for the statuses a call accepts as answers.
bool Answered(long status, const std::vector<long>& accept);

// Replaces every occurrence of `secret` (4 bytes or more) in `s`.
void Redact(std::string* s, const std::string& secret);

// HttpClient's message for a failed `method` `url` without its
// "METHOD url: " lead (the mapped message names both).
std::string TransportDetail(const Error& error, const std::string& method, const std::string& url);

// "SignatureDoesNotMatch: message", or "HTTP 403" without a code.
std::string Detail(const std::string& code, long status, const std::string& message);

bool IsOneOf(const std::string& code, std::initializer_list<const char*> codes);

// No answer at all: kUnavailable, retryable. `where` is "OP target at endpoint".
Error Unreachable(const std::string& where, const std::string& endpoint,
                  const std::string& transport_error);

}  // namespace zerofs::objstore::httperr
