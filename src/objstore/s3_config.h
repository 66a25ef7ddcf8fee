// Everything an S3Store needs, resolved from a storage URL plus the [aws]
// (s3://) or [gcp] (gs://, GCS's S3-compatible XML API with HMAC keys)
// settings and the standard AWS environment variables.
//
// Never log an S3Config: it holds the secret key.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "objstore/cloud_options.h"
#include "objstore/http_client.h"
#include "objstore/sigv4.h"
#include "objstore/url.h"

namespace zerofs::objstore {

struct S3Config {
  std::string scheme = "s3";  // "s3" or "gs": how messages spell the URL
  std::string bucket;
  std::string prefix;    // no leading or trailing '/'; empty = whole bucket
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", no trailing '/'
  std::string region = "us-east-1";
  bool virtual_hosted = false;  // bucket in the host name instead of the path
  sigv4::Credentials credentials;
  HttpOptions http;

  // Unconditional objects of at least this size go up as multipart uploads of
  // part_size parts, max_parallel_parts at a time. Conditional puts never do
  // (see s3_store.h); they are single PUTs up to max_single_put.
  uint64_t multipart_threshold = 64ull << 20;
  uint64_t part_size = 16ull << 20;
  int max_parallel_parts = 4;
  uint64_t max_single_put = 5ull << 30;  // S3's limit for one PUT

  // Tests only: multipart part number `test_fail_part` (1-based) fails.
  int test_fail_part = 0;

  // "s3://bucket/prefix"
  std::string Url() const;
};

// s3:// settings: credentials from `aws` or else AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; region from `aws` or AWS_REGION,
// AWS_DEFAULT_REGION, else us-east-1; endpoint from `aws` or AWS_ENDPOINT_URL_S3,
// AWS_ENDPOINT_URL, else AWS itself (virtual-hosted). Plain http:// endpoints
// need aws.allow_http. Errors are kInvalidArgument naming the URL.
Result<S3Config> S3ConfigForAws(const StorageUrl& url, const AwsOptions& aws);

// gs:// settings: HMAC keys from `gcp`, endpoint https://storage.googleapis.com
// (or gcp.endpoint), region "auto", path-style. http:// is accepted only for
// loopback endpoints (local test servers).
Result<S3Config> S3ConfigForGcp(const StorageUrl& url, const GcpOptions& gcp);

}  // namespace zerofs::objstore
