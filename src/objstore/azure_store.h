// AzureStore: the ObjectStore contract over the Azure Blob REST API (Azure
// Storage and Azurite), with block blobs.
//
// Mapping of the contract:
//  - Keys live under "<prefix>/" in the container; List strips it again.
//  - Get sends "x-ms-range: bytes=a-b" and takes the object size from
//    Content-Range; a range at or past the end (416) answers empty data.
//  - ETags are returned without quotes and sent to If-Match quoted.
//  - Put: below block_threshold one Put Blob; above, Put Block in parallel
//    and one Put Block List (azure_blocks.h). Both carry the condition:
//    kIfNoneMatch sends "If-None-Match: *" (an existing blob answers 409
//    BlobAlreadyExists, or 412) -> kAlreadyExists; kIfMatch sends
//    "If-Match: \"etag\"" (412, or 404 when the blob is gone) ->
//    kPreconditionFailed. Azure evaluates conditions atomically, also at the
//    Put Block List commit, so large conditional puts are safe.
//  - List is List Blobs with prefix, marker (the page token) and maxresults.
//  - DeleteMany deletes in parallel with single Delete Blob requests (Blob
//    Batch needs multipart/mixed bodies signed per sub-request; not worth it
//    for GC's volumes).
//  - Errors follow azure_errors.h; transport failures are kUnavailable and
//    retryable. No retries happen here except per block: wrap the store in a
//    RetryStore.
// Thread-safe; connections are pooled and reused (http_client.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "objstore/azure_client.h"
#include "objstore/azure_config.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

class AzureStore : public ObjectStore {
 public:
  // Does no I/O; the first request reports bad credentials or a missing
  // container.
  static std::shared_ptr<AzureStore> Open(AzureConfig config);

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  // "azure://container/prefix"; the endpoint is named in error messages.
  std::string Describe() const override { return client_.config().Url(); }

  // Creates the container (Create Container); an existing one is fine.
  Status CreateContainer();

 private:
  explicit AzureStore(AzureConfig config);

  std::string FullKey(std::string_view key) const;

  AzureClient client_;
};

}  // namespace zerofs::objstore
