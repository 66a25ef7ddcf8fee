// Reading a sealed segment object without the index: its footer and frame
// directory (docs/FORMAT.md, "Segment"), and its frames in a few ranged
// GETs. Used by garbage collection and the store check.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/key_file.h"
#include "engine/segment_format.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

struct SegmentLayout {
  SegmentFooter footer;
  std::vector<DirectoryEntry> directory;
};

// Reads and authenticates the footer and directory of segment `id`
// (`object_size` 0 = HEAD it first). kNotFound if the object is missing,
// kCorruption if it is damaged.
Result<SegmentLayout> ReadSegmentLayout(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                                        uint64_t id, uint64_t object_size);

// Fetches the sealed frames `wanted` (indexes into `layout.directory`, in
// ascending offset order) of segment `id`, merging neighbours into GETs of
// at most `window` bytes, and calls fn(entry index, sealed bytes) for each.
// Stops at the first error of fn or of the store.
Status ForEachFrame(objstore::ObjectStore* store, uint64_t id, const SegmentLayout& layout,
                    const std::vector<uint32_t>& wanted, uint64_t window,
                    const std::function<Status(uint32_t, std::string_view)>& fn);

}  // namespace zerofs::engine
