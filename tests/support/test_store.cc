#include "test_store.h"

#include <cstdlib>
#include <random>

#include "objstore/azure_auth.h"
#include "objstore/azure_store.h"
#include "objstore/local_store.h"
#include "objstore/retry_store.h"
#include "objstore/s3_store.h"

namespace zerofs::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

TestStore::TestStore(std::string local_dir) : local_dir_(std::move(local_dir)) {
  kind_ = Env("ZEROFS_TEST_STORE");
  if (kind_.empty()) kind_ = "file";
  std::random_device rd;
  prefix_ = "fs" + std::to_string(rd()) + std::to_string(rd());
}

Result<std::shared_ptr<objstore::ObjectStore>> TestStore::Open() {
  if (kind_ == "file") {
    ZFS_ASSIGN_OR_RETURN(std::shared_ptr<objstore::LocalStore> store,
                         objstore::LocalStore::Open(local_dir_));
    return std::shared_ptr<objstore::ObjectStore>(std::move(store));
  }
  if (kind_ == "s3") {
    if (Env("S3_TEST_ENDPOINT").empty()) {
      return Error(Code::kInvalidArgument,
                   "ZEROFS_TEST_STORE=s3 needs S3_TEST_* (run under "
                   "tests/integration/s3/run-s3-tests.sh)");
    }
    objstore::S3Config c;
    c.bucket = Env("S3_TEST_BUCKET");
    c.prefix = prefix_;
    c.endpoint = Env("S3_TEST_ENDPOINT");
    c.region = Env("S3_TEST_REGION").empty() ? "us-east-1" : Env("S3_TEST_REGION");
    c.credentials = {Env("S3_TEST_ACCESS_KEY"), Env("S3_TEST_SECRET_KEY"), ""};
    std::shared_ptr<objstore::ObjectStore> s3 = objstore::S3Store::Open(std::move(c));
    return std::shared_ptr<objstore::ObjectStore>(std::make_shared<objstore::RetryStore>(s3));
  }
  if (kind_ == "azure") {
    if (Env("AZURE_TEST_ENDPOINT").empty()) {
      return Error(Code::kInvalidArgument,
                   "ZEROFS_TEST_STORE=azure needs AZURE_TEST_* (run under "
                   "tests/integration/azure/run-azure-tests.sh)");
    }
    objstore::AzureConfig c;
    c.container = "zerofs-test";
    c.prefix = prefix_;
    c.account = Env("AZURE_TEST_ACCOUNT");
    c.endpoint = Env("AZURE_TEST_ENDPOINT");
    c.key = objstore::azure::Base64Decode(Env("AZURE_TEST_KEY")).value_or("");
    std::shared_ptr<objstore::AzureStore> azure = objstore::AzureStore::Open(std::move(c));
    ZFS_RETURN_IF_ERROR(azure->CreateContainer());
    return std::shared_ptr<objstore::ObjectStore>(std::make_shared<objstore::RetryStore>(azure));
  }
  return Error(Code::kInvalidArgument,
               "ZEROFS_TEST_STORE='" + kind_ + "': expected file, s3 or azure");
}

void TestStore::Destroy() {
  if (kind_ == "file") return;
  auto store = Open();
  if (!store.ok()) return;
  auto all = (*store)->ListAll("");
  if (!all.ok()) return;
  std::vector<std::string> keys;
  for (const auto& o : *all) keys.push_back(o.key);
  (*store)->DeleteMany(keys).Ignore();
}

}  // namespace zerofs::testing
