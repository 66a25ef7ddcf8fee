// S3Client: builds, signs (SigV4) and sends one S3 REST request, and turns a
// failed response into an Error through MapS3Error. S3Store and the multipart
// uploader are written on top of it.
//
// Addressing: path-style  <endpoint>/<bucket>/<key>
//             virtual     <scheme>://<bucket>.<endpoint host>/<key>
// Thread-safe (the HttpClient pools connections; the config is immutable).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/http_client.h"
#include "objstore/object_store.h"
#include "objstore/s3_config.h"
#include "objstore/sigv4.h"

namespace zerofs::objstore {

struct S3Call {
  std::string op;      // for messages: "GET", "PUT", "LIST", "multipart PUT", ...
  std::string method;  // HTTP method
  std::string key;     // full object key in the bucket; empty for bucket requests
  sigv4::Headers query;
  sigv4::Headers headers;  // extra headers to send and sign (Range, If-Match, ...)
  std::string_view body;
  PutMode put_mode = PutMode::kOverwrite;  // how 412/404 map (MapS3Error)
  // Statuses returned as responses besides 2xx (e.g. 416 for ranged GETs).
  std::vector<long> accept;
};

class S3Client {
 public:
  explicit S3Client(S3Config config);

  // Sends `call`. Returns the response for 2xx and accepted statuses, else the
  // mapped Error (naming the object URL and endpoint, never credentials).
  Result<HttpResponse> Call(const S3Call& call);

  // The Error for a response that Call returned because it was accepted.
  Error Fail(const S3Call& call, const HttpResponse& response) const;

  // "s3://bucket/full/key" for messages.
  std::string Target(std::string_view full_key) const;

  const S3Config& config() const { return config_; }

 private:
  Error Scrub(const Error& error) const;  // removes any credential text

  const S3Config config_;
  std::string scheme_;     // "http" or "https"
  std::string authority_;  // Host header value (bucket.host:port when virtual)
  std::string base_path_;  // "/bucket" (path-style) or ""
  HttpClient http_;
};

}  // namespace zerofs::objstore
