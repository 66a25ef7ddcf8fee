#include "objstore/s3_config.h"

#include <cstdlib>

namespace zerofs::objstore {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string FirstOf(std::initializer_list<std::string> values) {
  for (const std::string& v : values) {
    if (!v.empty()) return v;
  }
  return {};
}

bool IsLoopback(std::string_view endpoint) {
  std::string_view rest = endpoint.substr(endpoint.find("://") + 3);
  return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

// Checks the scheme and strips trailing '/'.
Result<std::string> CheckEndpoint(const std::string& url_text, std::string endpoint,
                                  bool allow_http, std::string_view hint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.starts_with("https://")) return endpoint;
  if (endpoint.starts_with("http://")) {
    if (allow_http) return endpoint;
    return Error(Code::kInvalidArgument,
                 url_text + ": endpoint " + endpoint +
                     " uses plain HTTP (credentials' signatures and metadata travel "
                     "unencrypted); " +
                     std::string(hint));
  }
  return Error(Code::kInvalidArgument,
               url_text + ": endpoint '" + endpoint + "' must start with https:// or http://");
}

}  // namespace

std::string S3Config::Url() const {
  std::string out = scheme + "://" + bucket;
  if (!prefix.empty()) out += "/" + prefix;
  return out;
}

Result<S3Config> S3ConfigForAws(const StorageUrl& url, const AwsOptions& aws) {
  S3Config c;
  c.scheme = "s3";
  c.bucket = url.bucket;
  c.prefix = url.prefix;
  const std::string text = c.Url();
  if (!aws.access_key_id.empty()) {
    c.credentials = {aws.access_key_id, aws.secret_access_key, aws.session_token};
  } else {
    c.credentials = {Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                     Env("AWS_SESSION_TOKEN")};
  }
  if (c.credentials.access_key_id.empty() || c.credentials.secret_access_key.empty()) {
    return Error(Code::kInvalidArgument,
                 text +
                     ": no S3 credentials: set access_key_id and secret_access_key in [aws], "
                     "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  c.region = FirstOf({aws.region, Env("AWS_REGION"), Env("AWS_DEFAULT_REGION"), "us-east-1"});
  std::string endpoint =
      FirstOf({aws.endpoint, Env("AWS_ENDPOINT_URL_S3"), Env("AWS_ENDPOINT_URL")});
  if (endpoint.empty()) {
    // AWS itself: virtual-hosted addressing, unless the bucket name has dots
    // (which break TLS wildcard certificates).
    c.endpoint = "https://s3." + c.region + ".amazonaws.com";
    c.virtual_hosted = c.bucket.find('.') == std::string::npos;
    return c;
  }
  ZFS_ASSIGN_OR_RETURN(c.endpoint,
                       CheckEndpoint(text, std::move(endpoint), aws.allow_http,
                                     "set [aws] allow_http = true to allow it, or use https://"));
  c.virtual_hosted = aws.virtual_hosted_style;
  return c;
}

Result<S3Config> S3ConfigForGcp(const StorageUrl& url, const GcpOptions& gcp) {
  S3Config c;
  c.scheme = "gs";
  c.bucket = url.bucket;
  c.prefix = url.prefix;
  const std::string text = c.Url();
  c.credentials = {gcp.hmac_access_id, gcp.hmac_secret, ""};
  if (c.credentials.access_key_id.empty() || c.credentials.secret_access_key.empty()) {
    return Error(Code::kInvalidArgument,
                 text +
                     ": no GCS credentials: set hmac_access_id and hmac_secret in [gcp] "
                     "(HMAC keys for the XML API)");
  }
  c.region = "auto";
  std::string endpoint = gcp.endpoint.empty() ? "https://storage.googleapis.com" : gcp.endpoint;
  bool loopback = endpoint.starts_with("http://") && IsLoopback(endpoint);
  ZFS_ASSIGN_OR_RETURN(c.endpoint,
                       CheckEndpoint(text, std::move(endpoint), loopback,
                                     "GCS endpoints must use https:// (http:// is accepted only "
                                     "for loopback test servers)"));
  c.virtual_hosted = false;
  return c;
}

}  // namespace zerofs::objstore
