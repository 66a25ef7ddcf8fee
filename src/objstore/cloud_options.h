// Credentials and endpoints for the cloud backends, filled by `zerofs run`
// from the [aws], [azure] and [gcp] config sections. Empty strings mean "not
// given": the backend then falls back to the standard environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION /
// AWS_DEFAULT_REGION, AWS_ENDPOINT_URL; AZURE_STORAGE_ACCOUNT_NAME,
// AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN, AZURE_STORAGE_ENDPOINT).
//
// Never log these values.
#pragma once

#include <string>

namespace zerofs::objstore {

struct AwsOptions {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string endpoint;  // "http://127.0.0.1:7480"; empty = AWS for the region
  std::string region;    // empty = "us-east-1"
  bool allow_http = false;
  bool virtual_hosted_style = false;  // default path-style for custom endpoints
};

struct AzureOptions {
  std::string account_name;
  std::string account_key;  // base64 Shared Key
  std::string sas_token;    // alternative to the key ("sv=...&sig=...")
  std::string endpoint;     // "http://127.0.0.1:10000/devstoreaccount1"; empty = Azure
  bool allow_http = false;
};

struct GcpOptions {
  // HMAC interoperability keys for GCS's S3-compatible XML API.
  std::string hmac_access_id;
  std::string hmac_secret;
  std::string endpoint;  // empty = https://storage.googleapis.com
};

struct CloudOptions {
  AwsOptions aws;
  AzureOptions azure;
  GcpOptions gcp;
  // Refuse stores that do not enforce conditional writes, unless set
  // (DESIGN.md "Fencing"); see the startup probe.
  bool allow_unsafe_conditional_writes = false;
};

}  // namespace zerofs::objstore
