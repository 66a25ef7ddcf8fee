// bench_objstore: object-store throughput and small-object latency through
// ZeroFS's own ObjectStore backends (S3Store, LocalStore, ...).
//
//   bench_objstore URL [--sizes 1,4,16,64] [--count 8] [--threads 4]
//                      [--small 300] [--allow-http]
//
// URL is any storage URL (s3://bucket/prefix, gs://..., file:///dir). s3://
// credentials and endpoint come from the standard environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
// AWS_ENDPOINT_URL); --allow-http permits an http:// endpoint. Against the
// test radosgw:
//   eval "$(tests/integration/s3/start-rgw.sh)"
//   export AWS_ACCESS_KEY_ID=$S3_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_TEST_SECRET_KEY
//   export AWS_ENDPOINT_URL=$S3_TEST_ENDPOINT
//   build/bench/objstore/bench_objstore s3://$S3_TEST_BUCKET/bench --allow-http
//   bench/objstore/curl-compare.sh    # the same requests with curl
//   tests/integration/s3/stop-rgw.sh "$S3_TEST_DIR"
//
// For each size, `count` objects are PUT by `threads` threads at once, then
// GET back (throughput = bytes / wall time); then `small` 4 KiB objects are
// PUT and GET one at a time (latency p50/p99). Objects go under a random
// sub-prefix and are deleted at the end.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "objstore/url.h"

using namespace zerofs;
using namespace zerofs::objstore;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string url;
  std::vector<int> sizes_mib = {1, 4, 16, 64};
  int count = 8;
  int threads = 4;
  int small = 300;
  bool allow_http = false;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: bench_objstore URL [--sizes 1,4,16,64] [--count 8] [--threads 4] "
               "[--small 300] [--allow-http]\n");
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (arg == "--sizes") {
      a.sizes_mib.clear();
      std::string list = value();
      for (size_t at = 0; at < list.size();) {
        size_t comma = list.find(',', at);
        a.sizes_mib.push_back(std::atoi(list.substr(at, comma - at).c_str()));
        at = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else if (arg == "--count") {
      a.count = std::atoi(value().c_str());
    } else if (arg == "--threads") {
      a.threads = std::atoi(value().c_str());
    } else if (arg == "--small") {
      a.small = std::atoi(value().c_str());
    } else if (arg == "--allow-http") {
      a.allow_http = true;
    } else if (!arg.empty() && arg[0] != '-' && a.url.empty()) {
      a.url = arg;
    } else {
      Usage();
    }
  }
  if (a.url.empty() || a.count < 1 || a.threads < 1) Usage();
  return a;
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

// Runs fn(i) for i in [0, n) on `threads` threads; returns seconds.
template <typename F>
double Parallel(int n, int threads, F fn) {
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++) {
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : pool) t.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().ToString().c_str());
    std::exit(1);
  }
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  auto url = ParseStorageUrl(args.url);
  if (!url.ok()) {
    std::fprintf(stderr, "%s\n", url.error().ToString().c_str());
    return 2;
  }
  CloudOptions cloud;
  cloud.aws.allow_http = args.allow_http;
  auto opened = OpenObjectStore(*url, cloud);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
    return 1;
  }
  ObjectStore& store = **opened;
  const std::string run = "bench-" + std::to_string(std::random_device{}()) + "/";
  std::vector<std::string> written;

  std::printf("store %s, %d threads, %d objects per size\n", store.Describe().c_str(), args.threads,
              args.count);
  std::printf("%10s %12s %12s\n", "size", "PUT MiB/s", "GET MiB/s");
  for (int mib : args.sizes_mib) {
    const size_t size = static_cast<size_t>(mib) << 20;
    const std::string data = RandomBytes(size, static_cast<uint64_t>(mib));
    std::vector<std::string> keys;
    for (int i = 0; i < args.count; i++) {
      keys.push_back(run + std::to_string(mib) + "m/" + std::to_string(i));
    }
    double put_s = Parallel(args.count, args.threads, [&](int i) {
      auto r = store.Put(keys[i], data);
      if (!r.ok()) Check(r.error(), "PUT");
    });
    double get_s = Parallel(args.count, args.threads, [&](int i) {
      auto r = store.Get(keys[i]);
      if (!r.ok()) Check(r.error(), "GET");
      if (r->data.size() != size) Check(Error(Code::kIoError, "short read"), "GET");
    });
    double total_mib = static_cast<double>(mib) * args.count;
    std::printf("%8d M %12.1f %12.1f\n", mib, total_mib / put_s, total_mib / get_s);
    written.insert(written.end(), keys.begin(), keys.end());
  }

  if (args.small > 0) {
    const std::string small = RandomBytes(4096, 99);
    std::vector<double> put_ms, get_ms;
    for (int i = 0; i < args.small; i++) {
      std::string key = run + "small/" + std::to_string(i);
      auto t0 = Clock::now();
      auto r = store.Put(key, small);
      auto t1 = Clock::now();
      if (!r.ok()) Check(r.error(), "PUT small");
      auto g = store.Get(key);
      auto t2 = Clock::now();
      if (!g.ok()) Check(g.error(), "GET small");
      put_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      get_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
      written.push_back(key);
    }
    std::printf(
        "4 KiB x %d sequential: PUT p50 %.2f ms p99 %.2f ms | GET p50 %.2f ms p99 %.2f ms\n",
        args.small, Percentile(put_ms, 0.5), Percentile(put_ms, 0.99), Percentile(get_ms, 0.5),
        Percentile(get_ms, 0.99));
  }
  Check(store.DeleteMany(written), "DELETE");
  return 0;
}
