// The ObjectStore contract (src/objstore/object_store.h) as one
// value-parameterized GoogleTest suite, run against every backend: the local
// directory store (objstore_test), S3 on radosgw (s3_store_test) and Azure
// Blob on Azurite (azure_store_test). Each binary links the
// zerofs_store_contract object library and instantiates the suite with its
// backend:
//
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreContractTest,
//                            ::testing::Values(LocalContractBackend()),
//                            ContractBackendName);
//
// Backend-specific behaviour (multipart, credentials, local files) stays in
// the backend's own tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "objstore/object_store.h"

namespace zerofs::testing {

// A fresh, empty store for one test. `keep_alive` is released after the
// store (e.g. a temporary directory). `skip` non-empty skips the test (the
// backend's server is not running).
struct ContractStore {
  std::shared_ptr<objstore::ObjectStore> store;
  std::shared_ptr<void> keep_alive;
  std::string skip;
};

struct ContractBackend {
  std::string name;  // "Local", "S3", "Azure": the instantiation's name
  // Opens a fresh store; `test` is the test's name (for prefixes).
  std::function<ContractStore(const std::string& test)> open;
};

std::string ContractBackendName(const ::testing::TestParamInfo<ContractBackend>& info);

// Helpers for the backends' own tests (and the suite below).

// `n` pseudo-random bytes, the same for the same seed.
std::string RandomBytes(size_t n, uint64_t seed);
// Puts and returns the ETag; a failure fails the test (and returns "").
std::string MustPut(objstore::ObjectStore& store, std::string_view key, std::string_view data,
                    objstore::PutOptions options = {});
// The keys under `prefix`, in order; a failure fails the test.
std::vector<std::string> Keys(objstore::ObjectStore& store, std::string_view prefix);
// Best effort: deletes every object (a test's cleanup).
void DeleteAll(objstore::ObjectStore& store);
// Puts `data` under every key, from 16 threads.
void PutInParallel(objstore::ObjectStore& store, const std::vector<std::string>& keys,
                   std::string_view data);
// A Get of "k" from a store whose endpoint nobody listens on must fail
// retryably with kUnavailable, naming the endpoint and the object's URL
// (`object_url`). Returns the error for the caller's secret checks.
Error ExpectUnreachable(objstore::ObjectStore& store, const std::string& endpoint,
                        const std::string& object_url);
// The conditional-write probe on a store with wrong credentials must fail
// with kPermissionDenied. Returns the error for the caller's secret checks.
Error ExpectProbeDenied(objstore::ObjectStore& store);

class ObjectStoreContractTest : public ::testing::TestWithParam<ContractBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::string MustPut(std::string_view key, std::string_view data,
                      objstore::PutOptions options = {});
  std::vector<std::string> Keys(std::string_view prefix);
  static std::string Random(size_t n, uint64_t seed);

  objstore::ObjectStore& store() { return *opened_.store; }

  ContractStore opened_;
};

}  // namespace zerofs::testing
