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
