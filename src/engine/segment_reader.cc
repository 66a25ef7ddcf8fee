#include "engine/segment_reader.h"

#include "engine/blob.h"

namespace zerofs::engine {

Result<SegmentLayout> ReadSegmentLayout(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                                        uint64_t id, uint64_t object_size) {
  const std::string key = SegmentObjectKey(id);
  if (object_size == 0) {
    ZFS_ASSIGN_OR_RETURN(objstore::ObjectInfo info, store->Head(key));
    object_size = info.size;
  }
  if (object_size < kFooterSize) {
    return Error(Code::kCorruption, key + ": shorter than a footer");
  }
  ZFS_ASSIGN_OR_RETURN(
      objstore::GetResult tail,
      store->Get(key, objstore::ByteRange{object_size - kFooterSize, kFooterSize}));
  if (tail.object_size != object_size) {
    return Error(Code::kCorruption, key + ": size changed while reading");
  }
  SegmentLayout layout;
  ZFS_ASSIGN_OR_RETURN(layout.footer, SegmentFooter::Decode(tail.data, id, object_size));
  std::string dir;
  if (layout.footer.directory_length > 0) {
    ZFS_ASSIGN_OR_RETURN(objstore::GetResult got,
                         store->Get(key, objstore::ByteRange{layout.footer.directory_offset,
                                                             layout.footer.directory_length}));
    dir = std::move(got.data);
  }
  if (dir.size() != layout.footer.directory_length) {
    return Error(Code::kCorruption, key + ": directory shorter than its footer says");
  }
  ZFS_ASSIGN_OR_RETURN(std::string body,
                       OpenBlob(keys.meta, dir, DirectoryAd(id), key + " directory"));
  auto entries = DecodeDirectory(body);
  if (!entries.ok()) return entries.error().Wrap(key);
  layout.directory = std::move(entries).value();
  if (layout.directory.size() != layout.footer.frame_count) {
    return Error(Code::kCorruption, key + ": directory and footer disagree on the frame count");
  }
  for (const DirectoryEntry& e : layout.directory) {
    if (e.offset > layout.footer.journal_offset ||
        e.sealed_length > layout.footer.journal_offset - e.offset) {
      return Error(Code::kCorruption, key + ": directory entry outside the frames");
    }
  }
  return layout;
}

Status ForEachFrame(objstore::ObjectStore* store, uint64_t id, const SegmentLayout& layout,
                    const std::vector<uint32_t>& wanted, uint64_t window,
                    const std::function<Status(uint32_t, std::string_view)>& fn) {
  const std::string key = SegmentObjectKey(id);
  size_t i = 0;
  while (i < wanted.size()) {
    const DirectoryEntry& first = layout.directory.at(wanted[i]);
    size_t j = i + 1;
    uint64_t end = first.offset + first.sealed_length;
    while (j < wanted.size()) {
      const DirectoryEntry& e = layout.directory.at(wanted[j]);
      const uint64_t e_end = e.offset + e.sealed_length;
      if (e.offset < first.offset || e_end - first.offset > window) break;
      end = std::max(end, e_end);
      j++;
    }
    ZFS_ASSIGN_OR_RETURN(objstore::GetResult got,
                         store->Get(key, objstore::ByteRange{first.offset, end - first.offset}));
    if (got.data.size() != end - first.offset) {
      return Error(Code::kCorruption, key + ": frames truncated");
    }
    for (size_t k = i; k < j; k++) {
      const DirectoryEntry& e = layout.directory[wanted[k]];
      ZFS_RETURN_IF_ERROR(fn(
          wanted[k], std::string_view(got.data).substr(e.offset - first.offset, e.sealed_length)));
    }
    i = j;
  }
  return OkStatus();
}

}  // namespace zerofs::engine
