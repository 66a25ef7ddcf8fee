#include "objstore/azure_client.h"

#include <algorithm>

#include "objstore/azure_errors.h"
#include "objstore/http_errors.h"
#include "objstore/s3_xml.h"
#include "objstore/sigv4.h"

namespace zerofs::objstore {
namespace {

// "sv=1&sig=a%2Bb" -> {{"sv","1"},{"sig","a%2Bb"}}: kept encoded, as given.
azure::Params SplitQuery(std::string_view q) {
  azure::Params out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    size_t eq = part.find('=');
    if (!part.empty()) {
      out.emplace_back(std::string(part.substr(0, eq)),
                       eq == std::string_view::npos ? "" : std::string(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// The first line of an Azure <Message> (the rest is RequestId and Time).
std::string FirstLine(std::string_view s) {
  s = s.substr(0, s.find_first_of("\r\n"));
  return std::string(s);
}

}  // namespace

AzureClient::AzureClient(AzureConfig config) : config_(std::move(config)), http_(config_.http) {
  const std::string& ep = config_.endpoint;
  size_t host_start = ep.find("://") + 3;
  size_t slash = ep.find('/', host_start);
  origin_ = ep.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : ep.substr(slash);
  base_path_ = path + "/" + config_.container;
}

std::string AzureClient::Target(std::string_view blob) const {
  std::string out = "azure://" + config_.container;
  if (!blob.empty()) {
    out += "/";
    out.append(blob);
  }
  return out;
}

Error AzureClient::Scrub(const Error& error) const {
  std::string text = error.context();
  httperr::Redact(&text, config_.sas_token);
  for (const auto& [name, value] : SplitQuery(config_.sas_token)) {
    if (name == "sig") httperr::Redact(&text, value);
  }
  httperr::Redact(&text, azure::Base64Encode(config_.key));
  return Error(error.code(), std::move(text), error.retryable());
}

Error AzureClient::Fail(const AzureCall& call, const HttpResponse& response) const {
  AzureFailure f;
  f.op = call.op;
  f.target = Target(call.blob);
  f.container = config_.container;
  f.endpoint = config_.endpoint;
  f.put_mode = call.put_mode;
  f.status = response.status;
  f.code = response.Header("x-ms-error-code");
  if (auto body = s3xml::ParseError(response.body)) {
    if (f.code.empty()) f.code = body->code;
    f.message = FirstLine(body->message);
  }
  return Scrub(MapAzureError(f));
}

Result<HttpResponse> AzureClient::Call(const AzureCall& call) {
  azure::SignInput sign;
  sign.method = call.method;
  sign.path = base_path_;
  if (!call.blob.empty()) sign.path += "/" + sigv4::UriEncode(call.blob, true);
  sign.query = call.query;
  sign.headers = call.headers;
  sign.headers.emplace_back("x-ms-date", azure::HttpDateNow());
  sign.headers.emplace_back("x-ms-version", kAzureApiVersion);
  sign.content_length = call.body.size();

  HttpRequest http;
  http.method = call.method;
  http.url = origin_ + sign.path;
  std::string query = sigv4::CanonicalQuery(call.query);
  if (!config_.key.empty()) {
    sign.headers.emplace_back("Authorization",
                              azure::SharedKeyAuthorization(sign, config_.account, config_.key));
  } else {
    if (!query.empty()) query += "&";
    query += config_.sas_token;
  }
  if (!query.empty()) http.url += "?" + query;
  http.headers = std::move(sign.headers);
  http.body = call.body;

  Result<HttpResponse> response = http_.Send(http);
  if (!response.ok()) {
    AzureFailure f;
    f.op = call.op;
    f.target = Target(call.blob);
    f.container = config_.container;
    f.endpoint = config_.endpoint;
    f.transport_error = httperr::TransportDetail(response.error(), call.method, http.url);
    return Scrub(MapAzureError(f));
  }
  if (httperr::Answered(response->status, call.accept)) return response;
  return Fail(call, *response);
}

}  // namespace zerofs::objstore
