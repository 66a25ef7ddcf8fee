#include "objstore/s3_client.h"

#include "objstore/http_errors.h"
#include "objstore/s3_errors.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {

S3Client::S3Client(S3Config config) : config_(std::move(config)), http_(config_.http) {
  const std::string& ep = config_.endpoint;
  size_t sep = ep.find("://");
  scheme_ = ep.substr(0, sep);
  std::string rest = ep.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (config_.virtual_hosted) {
    authority_ = config_.bucket + "." + host;
    base_path_ = path;
  } else {
    authority_ = host;
    base_path_ = path + "/" + sigv4::UriEncode(config_.bucket, false);
  }
}

std::string S3Client::Target(std::string_view full_key) const {
  std::string out = config_.scheme + "://" + config_.bucket;
  if (!full_key.empty()) {
    out += "/";
    out.append(full_key);
  }
  return out;
}

Error S3Client::Scrub(const Error& error) const {
  std::string text = error.context();
  httperr::Redact(&text, config_.credentials.secret_access_key);
  httperr::Redact(&text, config_.credentials.session_token);
  httperr::Redact(&text, config_.credentials.access_key_id);
  return Error(error.code(), std::move(text), error.retryable());
}

Error S3Client::Fail(const S3Call& call, const HttpResponse& response) const {
  S3Failure f;
  f.op = call.op;
  f.target = Target(call.key);
  f.bucket = config_.bucket;
  f.endpoint = config_.endpoint;
  f.put_mode = call.put_mode;
  f.status = response.status;
  if (auto body = s3xml::ParseError(response.body)) {
    f.code = body->code;
    f.message = body->message;
  }
  return Scrub(MapS3Error(f));
}

Result<HttpResponse> S3Client::Call(const S3Call& call) {
  sigv4::Request req;
  req.method = call.method;
  req.path = base_path_ + "/" + sigv4::UriEncode(call.key, true);
  req.query = call.query;
  req.headers = call.headers;
  req.headers.emplace_back("host", authority_);
  req.payload_hash = sigv4::Sha256Hex(call.body);
  sigv4::Sign(&req, config_.credentials, config_.region, "s3", sigv4::AmzDateNow());

  HttpRequest http;
  http.method = call.method;
  http.url = scheme_ + "://" + authority_ + req.path;
  std::string query = sigv4::CanonicalQuery(call.query);
  if (!query.empty()) http.url += "?" + query;
  http.headers = std::move(req.headers);
  http.body = call.body;

  Result<HttpResponse> response = http_.Send(http);
  if (!response.ok()) {
    S3Failure f;
    f.op = call.op;
    f.target = Target(call.key);
    f.bucket = config_.bucket;
    f.endpoint = config_.endpoint;
    f.transport_error = httperr::TransportDetail(response.error(), call.method, http.url);
    return Scrub(MapS3Error(f));
  }
  if (httperr::Answered(response->status, call.accept)) return response;
  return Fail(call, *response);
}

}  // namespace zerofs::objstore
