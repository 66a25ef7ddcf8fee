// HttpClient: blocking HTTP/1.1 requests over libcurl, shared by the cloud
// backends (S3/GCS today; usable by Azure).
//
// Contract:
//  - Thread-safe; many requests may be in flight from many threads. Each
//    request borrows a curl easy handle from a pool and returns it after, so
//    TCP/TLS connections are reused across requests (each pooled handle keeps
//    its own live connection).
//  - Send() fails only for transport problems (DNS, connect, TLS, timeouts,
//    reset connections): the error is kUnavailable, retryable, and names the
//    URL without its query. Any HTTP status, 4xx/5xx included, is a response.
//  - Timeouts: connect_timeout bounds connection setup; a transfer slower than
//    low_speed_bytes per second for low_speed_time is aborted. There is no
//    whole-request deadline, so large bodies on slow links still finish.
//  - Never logs. Callers must not put secrets in the URL; header values are
//    never copied into error messages.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace zerofs::objstore {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::seconds low_speed_time{30};
  long low_speed_bytes = 1024;
  size_t max_idle_handles = 64;
  // libcurl CURLOPT_CONNECT_TO entries ("HOST:PORT:CONNECT-HOST:CONNECT-PORT"),
  // e.g. to reach virtual-hosted bucket names on 127.0.0.1 in tests.
  std::vector<std::string> connect_to;
};

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // sent when non-empty or for PUT/POST
};

struct HttpResponse {
  long status = 0;
  // Names lower-cased; the last value wins for repeated names.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of header `name` (lower-case), or empty.
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  void* Borrow();           // a CURL*, reset to defaults
  void Return(void* curl);  // back to the pool (or cleaned up)

  const HttpOptions options_;
  struct Slist;
  std::unique_ptr<Slist> connect_to_;  // immutable after construction

  std::mutex mu_;            // guards idle_
  std::vector<void*> idle_;  // CURL* handles with live connections
};

}  // namespace zerofs::objstore
