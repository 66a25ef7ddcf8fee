#include "net/metrics_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <mutex>

namespace zerofs::net {

namespace {

// A scraper's request head is a few hundred bytes; anything larger is not one.
constexpr size_t kMaxHead = 8192;
constexpr auto kRequestTimeout = std::chrono::seconds(10);

std::string Response(int code, std::string_view reason, std::string_view content_type,
                     std::string_view body, bool with_body) {
  std::string out = "HTTP/1.1 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  if (with_body) out += body;
  return out;
}

class MetricsServer : public ProtocolServer {
 public:
  explicit MetricsServer(const metrics::Registry* registry) : registry_(registry) {}
  ~MetricsServer() override { Stop(); }

  Status Start(ListenSpec spec) {
    spec.protocol = "metrics";
    spec.io_threads = 1;
    ZFS_ASSIGN_OR_RETURN(listener_,
                         Listener::Start(spec, [this](Socket s) { return Serve(std::move(s)); }));
    endpoints_ = listener_->endpoints();
    return OkStatus();
  }

  std::vector<std::string> Endpoints() const override { return endpoints_; }

  void Stop() override {
    std::lock_guard lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Stop();
    listener_.reset();
  }

 private:
  asio::awaitable<void> Serve(Socket socket) {
    asio::steady_timer deadline(co_await asio::this_coro::executor);
    deadline.expires_after(kRequestTimeout);
    deadline.async_wait([&socket](boost::system::error_code ec) {
      if (!ec) socket.close(ec);  // a stalled client fails the read below
    });
    std::string head;
    auto buffer = asio::dynamic_buffer(head, kMaxHead);
    boost::system::error_code ec;
    co_await asio::async_read_until(socket, buffer, "\r\n\r\n",
                                    asio::redirect_error(asio::use_awaitable, ec));
    std::string response;
    if (ec == asio::error::not_found) {
      response = Response(431, "Request Header Fields Too Large", "text/plain", "", true);
    } else if (ec) {
      co_return;
    } else {
      response = MetricsHttpResponse(head, *registry_);
    }
    co_await asio::async_write(socket, asio::buffer(response),
                               asio::redirect_error(asio::use_awaitable, ec));
    deadline.cancel();
    socket.shutdown(Socket::shutdown_both, ec);
  }

  const metrics::Registry* const registry_;
  std::unique_ptr<Listener> listener_;
  std::vector<std::string> endpoints_;
  std::mutex stop_mu_;
  bool stopped_ = false;
};

}  // namespace

Result<HttpRequestLine> ParseHttpRequestLine(std::string_view head) {
  const size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return Error(Code::kInvalidArgument, "no request line");
  const std::string_view line = head.substr(0, eol);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) {
    return Error(Code::kInvalidArgument, "malformed request line");
  }
  const std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Error(Code::kInvalidArgument, "unsupported HTTP version");
  }
  HttpRequestLine r;
  r.method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.front() != '/') return Error(Code::kInvalidArgument, "request target not a path");
  r.path = std::string(target.substr(0, target.find('?')));
  return r;
}

std::string MetricsHttpResponse(std::string_view head, const metrics::Registry& registry) {
  auto line = ParseHttpRequestLine(head);
  if (!line.ok()) return Response(400, "Bad Request", "text/plain", "bad request\n", true);
  if (line->method != "GET" && line->method != "HEAD") {
    return Response(405, "Method Not Allowed", "text/plain", "only GET\n", true);
  }
  if (line->path != "/metrics") {
    return Response(404, "Not Found", "text/plain", "metrics are at /metrics\n", true);
  }
  return Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", registry.Render(),
                  line->method == "GET");
}

Result<std::unique_ptr<ProtocolServer>> StartMetricsServer(ListenSpec spec,
                                                           const metrics::Registry* registry) {
  auto server = std::make_unique<MetricsServer>(registry);
  ZFS_RETURN_IF_ERROR(server->Start(std::move(spec)));
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::net
