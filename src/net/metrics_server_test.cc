#include "net/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace zerofs::net {
namespace {

TEST(MetricsServerTest, ParsesRequestLines) {
  auto r = ParseHttpRequestLine("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/metrics");
  for (const char* bad : {"", "GET\r\n", "GET /metrics\r\n", "GET  HTTP/1.1\r\n",
                          "GET /m HTTP/2\r\n", "GET metrics HTTP/1.1\r\n", "GET /m HTTP/1.1"}) {
    EXPECT_FALSE(ParseHttpRequestLine(bad).ok()) << bad;
  }
}

TEST(MetricsServerTest, AnswersStatusCodes) {
  metrics::Registry reg;
  reg.GetCounter("zerofs_test_total", "A test counter.")->Inc(4);
  std::string ok = MetricsHttpResponse("GET /metrics HTTP/1.1\r\n\r\n", reg);
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("\r\n\r\n# HELP zerofs_test_total"), std::string::npos) << ok;
  EXPECT_NE(ok.find("zerofs_test_total 4\n"), std::string::npos);
  std::string head = MetricsHttpResponse("HEAD /metrics HTTP/1.0\r\n\r\n", reg);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(head.find("zerofs_test_total 4"), std::string::npos);  // no body for HEAD
  EXPECT_EQ(MetricsHttpResponse("GET / HTTP/1.1\r\n\r\n", reg).rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(MetricsHttpResponse("POST /metrics HTTP/1.1\r\n\r\n", reg).rfind("HTTP/1.1 405", 0),
            0u);
  EXPECT_EQ(MetricsHttpResponse("garbage\r\n\r\n", reg).rfind("HTTP/1.1 400", 0), 0u);
}

// Sends `request` to 127.0.0.1:port and returns everything the server sent.
std::string Exchange(uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(fd);
  return out;
}

TEST(MetricsServerTest, ServesTheRegistryOverTcp) {
  metrics::Registry reg;
  metrics::Counter* c = reg.GetCounter("zerofs_scrapes_total", "Scrapes.");
  ListenSpec spec;
  spec.tcp.push_back(config::ListenAddress{"127.0.0.1", 0});
  auto server = StartMetricsServer(spec, &reg);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  const std::string ep = (*server)->Endpoints().at(0);
  const uint16_t port = static_cast<uint16_t>(std::stoi(ep.substr(ep.rfind(':') + 1)));
  c->Inc(2);
  std::string r = Exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(r.find("zerofs_scrapes_total 2\n"), std::string::npos) << r;
  c->Inc();
  r = Exchange(port, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("zerofs_scrapes_total 3\n"), std::string::npos) << r;
  // An oversized head is refused; the server keeps serving.
  r = Exchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(10000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 431", 0), 0u) << r.substr(0, 100);
  r = Exchange(port, "GET /nope HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 404", 0), 0u);
  (*server)->Stop();
}

}  // namespace
}  // namespace zerofs::net
