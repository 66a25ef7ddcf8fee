// The metrics endpoint (`[servers.metrics] addresses`): a minimal HTTP/1.x
// server answering `GET /metrics` with the process registry in the
// Prometheus text format (base/metrics.h). One request per connection
// (the response closes it), which every Prometheus scraper handles.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/metrics.h"
#include "base/protocol_server.h"
#include "base/result.h"
#include "net/listener.h"

namespace zerofs::net {

// The request line of an HTTP request head, parsed defensively.
struct HttpRequestLine {
  std::string method;
  std::string path;  // without a query string
};
// Parses "METHOD SP TARGET SP HTTP/1.x" from the start of `head`
// (kInvalidArgument for anything else).
Result<HttpRequestLine> ParseHttpRequestLine(std::string_view head);

// The full response for a request head: 200 with the registry for GET or
// HEAD /metrics, 404 for other paths, 405 for other methods, 400 for bad
// requests.
std::string MetricsHttpResponse(std::string_view head, const metrics::Registry& registry);

// Binds every address of `spec` (protocol "metrics") and serves until
// stopped or destroyed.
Result<std::unique_ptr<ProtocolServer>> StartMetricsServer(
    ListenSpec spec, const metrics::Registry* registry = &metrics::Registry::Global());

}  // namespace zerofs::net
