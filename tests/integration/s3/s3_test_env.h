// The radosgw started by start-rgw.sh, as seen by the S3 integration tests:
// S3_TEST_ENDPOINT, S3_TEST_REGION, S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY and
// S3_TEST_BUCKET from the environment (run-s3-tests.sh sets them). Tests skip
// when they are missing.
#pragma once

#include <cstdlib>
#include <random>
#include <string>

#include "objstore/s3_config.h"

namespace zerofs::objstore::s3test {

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

inline bool HaveServer() { return !Env("S3_TEST_ENDPOINT").empty(); }

inline std::string RandomName() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

// A config for the test bucket under a fresh random prefix.
inline S3Config TestConfig(const std::string& prefix_hint) {
  S3Config c;
  c.scheme = "s3";
  c.bucket = Env("S3_TEST_BUCKET");
  c.prefix = "t" + RandomName() + "/" + prefix_hint;
  c.endpoint = Env("S3_TEST_ENDPOINT");
  c.region = Env("S3_TEST_REGION").empty() ? "us-east-1" : Env("S3_TEST_REGION");
  c.credentials = {Env("S3_TEST_ACCESS_KEY"), Env("S3_TEST_SECRET_KEY"), ""};
  return c;
}

}  // namespace zerofs::objstore::s3test
