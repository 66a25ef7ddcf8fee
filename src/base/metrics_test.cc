#include "base/metrics.h"

#include <gtest/gtest.h>

#include "base/protocol_metrics.h"

namespace zerofs::metrics {
namespace {

TEST(MetricsTest, CountersRenderWithEscapedLabels) {
  Registry r;
  r.GetCounter("zerofs_ops_total", "Operations.", {{"op", "read"}})->Inc(3);
  r.GetCounter("zerofs_ops_total", "Operations.", {{"op", "a\"b\\c"}})->Inc();
  Counter* again = r.GetCounter("zerofs_ops_total", "ignored", {{"op", "read"}});
  again->Inc(2);
  const std::string text = r.Render();
  EXPECT_NE(text.find("# HELP zerofs_ops_total Operations.\n# TYPE zerofs_ops_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_ops_total{op=\"read\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zerofs_ops_total{op=\"a\\\"b\\\\c\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  Histogram* h = r.GetHistogram("zerofs_latency_seconds", "Latency.", {{"op", "get"}});
  h->Observe(0.00001);  // first bucket
  h->Observe(0.003);    // le=0.005
  h->Observe(50);       // above every bound
  const std::string text = r.Render();
  EXPECT_NE(text.find("zerofs_latency_seconds_bucket{op=\"get\",le=\"5e-05\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_latency_seconds_bucket{op=\"get\",le=\"0.0025\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_latency_seconds_bucket{op=\"get\",le=\"0.005\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_latency_seconds_bucket{op=\"get\",le=\"10\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_latency_seconds_count{op=\"get\"} 3\n"), std::string::npos) << text;
  EXPECT_NEAR(h->sum(), 50.00301, 1e-6);
}

TEST(MetricsTest, CollectorsReportAtRenderAndCanBeRemoved) {
  Registry r;
  double value = 7;
  uint64_t id = r.AddCollector([&](Sink* s) {
    s->Gauge("zerofs_cache_bytes", "Bytes.", {{"tier", "memory"}}, value);
    s->CounterValue("zerofs_cache_hits_total", "Hits.", {}, 12);
  });
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE zerofs_cache_bytes gauge\nzerofs_cache_bytes{tier=\"memory\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_cache_hits_total 12\n"), std::string::npos) << text;
  value = 0.5;
  EXPECT_NE(r.Render().find("zerofs_cache_bytes{tier=\"memory\"} 0.5\n"), std::string::npos);
  r.RemoveCollector(id);
  EXPECT_EQ(r.Render().find("zerofs_cache_bytes"), std::string::npos);
}

TEST(MetricsTest, ProtocolMetricsCountPerOperation) {
  Registry r;
  ProtocolMetrics p("9p", &r);
  const auto start = ProtocolMetrics::Clock::now();
  p.Record(116, "Tread", start, true);
  p.Record(116, "Tread", start, false);
  p.Record(118, "Twrite", start, true);
  p.Record(100000, "Tbogus", start, false);  // folds into "other"
  p.AddRead(4096);
  p.AddWritten(10);
  const std::string text = r.Render();
  EXPECT_NE(text.find("zerofs_protocol_ops_total{protocol=\"9p\",op=\"Tread\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("zerofs_protocol_errors_total{protocol=\"9p\",op=\"Tread\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("zerofs_protocol_ops_total{protocol=\"9p\",op=\"Twrite\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("zerofs_protocol_ops_total{protocol=\"9p\",op=\"other\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("zerofs_protocol_op_seconds_count{protocol=\"9p\",op=\"Tread\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("zerofs_protocol_read_bytes_total{protocol=\"9p\"} 4096\n"),
            std::string::npos);
  EXPECT_NE(text.find("zerofs_protocol_written_bytes_total{protocol=\"9p\"} 10\n"),
            std::string::npos);
}

}  // namespace
}  // namespace zerofs::metrics
