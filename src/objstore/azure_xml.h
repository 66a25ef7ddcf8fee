// The XML bodies of the Azure Blob REST API that AzureStore reads and writes,
// parsed with pugixml. Defensive like s3_xml.h: any input yields a value or
// kIoError, never a crash; unknown elements are ignored. Error bodies
// (<Error><Code>..</Code><Message>..</Message></Error>) have the S3 shape and
// are parsed with s3xml::ParseError.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::objstore::azurexml {

// List Blobs (EnumerationResults). Names are full blob names (Encoded="true"
// names are percent-decoded); ETags have no quotes.
struct ListResult {
  std::vector<ObjectInfo> objects;
  std::string next_marker;  // empty on the last page
};
Result<ListResult> ParseListBlobs(std::string_view body);

// Put Block List body committing `block_ids` (base64, in order) as <Latest>.
std::string BuildBlockList(const std::vector<std::string>& block_ids);

}  // namespace zerofs::objstore::azurexml
