#include "objstore/metered_store.h"

#include <gtest/gtest.h>

#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

// The value of one rendered sample line, or -1 when absent.
double Sample(const metrics::Registry& r, const std::string& series) {
  const std::string text = r.Render();
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(MeteredStoreTest, CountsRequestsBytesAndErrorsOfTheRealStore) {
  TestTempDir tmp;
  auto local = LocalStore::Open(tmp.path() + "/bucket");
  ASSERT_TRUE(local.ok()) << local.error().ToString();
  metrics::Registry registry;
  MeteredStore store(*local, &registry);
  ASSERT_TRUE(store.Put("a", "hello world").ok());
  ASSERT_TRUE(store.Put("b", "xyz").ok());
  auto got = store.Get("a", ByteRange{0, 5});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, "hello");
  RangeBuffer buf;
  auto ranged = store.ReadRange("a", ByteRange{6, 5}, &buf);
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(*ranged, "world");
  EXPECT_EQ(store.Get("missing").error().code(), Code::kNotFound);
  ASSERT_TRUE(store.Head("b").ok());
  ASSERT_TRUE(store.List("").ok());
  ASSERT_TRUE(store.Delete("b").ok());

  EXPECT_EQ(Sample(registry, "zerofs_objstore_requests_total{kind=\"put\"}"), 2);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_requests_total{kind=\"get\"}"), 3);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_errors_total{kind=\"get\"}"), 1);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_errors_total{kind=\"put\"}"), 0);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_requests_total{kind=\"head\"}"), 1);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_requests_total{kind=\"list\"}"), 1);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_requests_total{kind=\"delete\"}"), 1);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_sent_bytes_total"), 14);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_received_bytes_total"), 10);
  EXPECT_EQ(Sample(registry, "zerofs_objstore_request_seconds_count{kind=\"get\"}"), 3);
}

}  // namespace
}  // namespace zerofs::objstore
