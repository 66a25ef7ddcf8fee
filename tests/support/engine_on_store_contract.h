// The storage engine on a cloud object store, as one value-parameterized
// GoogleTest suite over the ContractBackend factories of
// object_store_contract.h: commit, flush, close, reopen from a fresh local
// directory and read back; and a crash (no Close) recovered from the store
// alone. s3_store_test and azure_store_test link the zerofs_engine_contract
// object library and instantiate it:
//
//   INSTANTIATE_TEST_SUITE_P(S3, EngineOnStoreTest,
//                            ::testing::Values(S3ContractBackend()),
//                            ContractBackendName);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/engine.h"
#include "object_store_contract.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::testing {

class EngineOnStoreTest : public ::testing::TestWithParam<ContractBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Options for the n-th engine; each has its own local directory.
  engine::EngineOptions Options(int n);

  objstore::TestTempDir tmp_;  // outlives the store and the engines' local dirs
  ContractStore opened_;
  std::shared_ptr<objstore::ObjectStore> store_;  // opened_.store behind a RetryStore
};

}  // namespace zerofs::testing
