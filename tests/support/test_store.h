// The object store a test stack runs on, chosen by the environment so that
// the same tests run on every backend:
//
//   ZEROFS_TEST_STORE unset or "file"  a LocalStore in the given directory
//   ZEROFS_TEST_STORE=s3               S3 on the radosgw of
//                                      tests/integration/s3/run-s3-tests.sh
//                                      (S3_TEST_* variables), under a fresh
//                                      random prefix, behind a RetryStore as
//                                      `zerofs run` has it
//   ZEROFS_TEST_STORE=azure            Azure Blob on the Azurite of
//                                      tests/integration/azure/run-azure-tests.sh
//                                      (AZURE_TEST_*), the same way
//
// Used by TestEnv (protocol tests) and zerofs-conformance-fs. CTest runs
// conformance_fs_core_s3 and ninep_integration_test_s3 this way.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::testing {

class TestStore {
 public:
  // `local_dir` is used for the local backend only.
  explicit TestStore(std::string local_dir);

  // Opens the store; every call opens the same location (for restarts).
  Result<std::shared_ptr<objstore::ObjectStore>> Open();

  // Deletes every object a remote store holds under its prefix (the caller
  // removes local directories).
  void Destroy();

  // "file", "s3" or "azure".
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::string local_dir_;
  std::string prefix_;  // s3: "fs<random>"
};

}  // namespace zerofs::testing
