// Storage URLs ([storage] url in the config) and opening the store they name.
//
//   file:///abs/path  or  /abs/path   a local directory (LocalStore)
//   s3://bucket[/prefix]              S3 or S3-compatible ([aws] settings)
//   azure://container[/prefix]        Azure Blob ([azure] settings); az:// is
//                                     the same (ToString() spells it azure://)
//   gs://bucket[/prefix]              Google Cloud Storage ([gcp] settings)
//
// URLs never carry credentials; those come from the config sections.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "objstore/cloud_options.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

struct StorageUrl {
  std::string scheme;  // "file", "s3", "azure" or "gs"
  std::string bucket;  // bucket or container; empty for file
  std::string prefix;  // key prefix inside the bucket, no leading or trailing
                       // '/'; empty for file and for a whole bucket
  std::string path;    // absolute directory for file, no trailing '/'; else empty

  // The canonical spelling: "file:///x/y", "s3://bucket/prefix".
  std::string ToString() const;
};

// Parses a storage URL. Errors are kInvalidArgument and quote the URL.
Result<StorageUrl> ParseStorageUrl(std::string_view url);

// Opens the store `url` names, with credentials from `cloud` for the cloud
// schemes. Does no network I/O.
Result<std::shared_ptr<ObjectStore>> OpenObjectStore(const StorageUrl& url,
                                                     const CloudOptions& cloud = {});

}  // namespace zerofs::objstore
