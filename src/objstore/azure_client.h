// AzureClient: builds, authorizes (Shared Key or SAS) and sends one Azure
// Blob REST request, and turns a failed response into an Error through
// MapAzureError. AzureStore and the block uploader are written on top of it.
//
// URLs: <endpoint>/<container>/<percent-encoded blob>?<query>[&<sas token>]
// (Azurite's endpoint carries the account in its path; Azure's host does.)
// Thread-safe (the HttpClient pools connections; the config is immutable).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/azure_auth.h"
#include "objstore/azure_config.h"
#include "objstore/http_client.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

// The REST API version sent as x-ms-version (supported by Azure and Azurite).
inline constexpr char kAzureApiVersion[] = "2021-12-02";

struct AzureCall {
  std::string op;      // for messages: "GET", "PUT", "LIST", "block PUT", ...
  std::string method;  // HTTP method
  std::string blob;    // full blob name; empty for container requests
  azure::Params query;
  azure::Params headers;  // extra headers (x-ms-range, If-Match, ...)
  std::string_view body;
  PutMode put_mode = PutMode::kOverwrite;  // how 409/412/404 map
  std::vector<long> accept;                // non-2xx statuses returned as responses
};

class AzureClient {
 public:
  explicit AzureClient(AzureConfig config);

  // Sends `call`. Returns the response for 2xx and accepted statuses, else the
  // mapped Error (naming the object URL and endpoint, never credentials).
  Result<HttpResponse> Call(const AzureCall& call);

  // The Error for a response that Call returned because it was accepted.
  Error Fail(const AzureCall& call, const HttpResponse& response) const;

  // "azure://container/full/blob" for messages.
  std::string Target(std::string_view blob) const;

  const AzureConfig& config() const { return config_; }

 private:
  Error Scrub(const Error& error) const;  // removes any credential text

  const AzureConfig config_;
  std::string origin_;     // "http://127.0.0.1:10000"
  std::string base_path_;  // "/devstoreaccount1/container" or "/container"
  HttpClient http_;
};

}  // namespace zerofs::objstore
