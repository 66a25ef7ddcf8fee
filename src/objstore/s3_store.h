// S3Store: the ObjectStore contract over the S3 REST API (AWS S3, Ceph RGW,
// any S3-compatible store, and GCS through its XML API with HMAC keys).
//
// Mapping of the contract:
//  - Keys live under "<prefix>/" in the bucket; List strips it again.
//  - Get with a range sends "Range: bytes=a-b" and takes the object size from
//    Content-Range; a range at or past the end (416) answers empty data.
//  - ETags are returned without quotes and sent to If-Match without quotes
//    (RGW only matches the bare form; AWS accepts both).
//  - Put kIfNoneMatch sends "If-None-Match: *" (plus GCS's
//    x-goog-if-generation-match: 0 for gs://), kIfMatch sends "If-Match".
//  - Large objects: unconditional puts of at least multipart_threshold bytes
//    are multipart uploads with parallel parts (s3_multipart.h). Conditional
//    puts are always single PUTs (up to max_single_put, 5 GiB on S3):
//    conditions on CompleteMultipartUpload are ignored by RGW, and a HEAD
//    before completing would leave a race window, so single PUT is the only
//    choice that is atomic on every store. A conditional put above
//    max_single_put fails with kInvalidArgument (ZeroFS segments are far
//    smaller).
//  - DeleteMany uses batch DELETE (POST ?delete, 1000 keys per request).
//  - Errors follow s3_errors.h; transport failures are kUnavailable and
//    retryable. No retries happen here except per multipart part: wrap the
//    store in a RetryStore.
// Thread-safe; connections are pooled and reused (http_client.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "objstore/object_store.h"
#include "objstore/s3_client.h"
#include "objstore/s3_config.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {

class S3Store : public ObjectStore {
 public:
  // Does no I/O; the first request reports bad credentials or a missing bucket.
  static std::shared_ptr<S3Store> Open(S3Config config);

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  // "s3://bucket/prefix" (or gs://); the endpoint is named in error messages.
  std::string Describe() const override { return client_.config().Url(); }

  // Multipart uploads in progress under this store's prefix (keys relative
  // to it), e.g. left behind by a crash; and aborting one.
  Result<std::vector<s3xml::PendingUpload>> ListPendingUploads();
  Status AbortPendingUpload(const s3xml::PendingUpload& upload);

 private:
  explicit S3Store(S3Config config);

  std::string FullKey(std::string_view key) const;
  Result<std::string> SinglePut(const std::string& full_key, std::string_view data,
                                const PutOptions& options);

  S3Client client_;
};

}  // namespace zerofs::objstore
