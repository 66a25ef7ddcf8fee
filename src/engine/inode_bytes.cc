#include "engine/inode_bytes.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "base/coding.h"
#include "engine/applier.h"
#include "engine/keys.h"

namespace zerofs::engine {

namespace {

rocksdb::WriteOptions NoWalForRecount() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // the marker is written last: a crash recounts
  return wo;
}

}  // namespace

Status EnsureInodeBytes(rocksdb::DB* db) {
  std::string marker;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kInodeBytesKey, &marker);
  if (s.ok()) return OkStatus();
  if (!s.IsNotFound()) return FromRocks(s, "read " + std::string(kInodeBytesKey));

  // Start from nothing: counters written by a replay before this recount
  // only saw part of the history.
  const std::string b_lo(1, kInodeBytesPrefix);
  const std::string b_hi(1, kInodeBytesPrefix + 1);
  ZFS_RETURN_IF_ERROR(
      FromRocks(db->DeleteRange(NoWalForRecount(), db->DefaultColumnFamily(), b_lo, b_hi),
                "clear inode bytes"));

  const std::string e_hi(1, kExtentPrefix + 1);
  rocksdb::Slice upper(e_hi);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  rocksdb::WriteBatch batch;
  uint64_t current = 0, bytes = 0, inodes = 0;
  bool have = false;
  auto emit = [&] {
    if (!have || bytes == 0) return;
    std::string v;
    PutLE64(&v, bytes);
    batch.Put(InodeBytesKey(current), v);
    inodes++;
  };
  // Extent keys sort by inode, so each inode's extents are contiguous.
  for (it->Seek(std::string(1, kExtentPrefix)); it->Valid(); it->Next()) {
    uint64_t ino = 0, index = 0;
    const rocksdb::Slice k = it->key();
    if (!ParseExtentKey(std::string_view(k.data(), k.size()), &ino, &index)) {
      return Error(Code::kCorruption, "index: malformed extent key");
    }
    const rocksdb::Slice v = it->value();
    ZFS_ASSIGN_OR_RETURN(ExtentPointer p,
                         ExtentPointer::Decode(std::string_view(v.data(), v.size())));
    if (!have || ino != current) {
      emit();
      if (batch.Count() >= 4096) {
        ZFS_RETURN_IF_ERROR(FromRocks(db->Write(NoWalForRecount(), &batch), "write inode bytes"));
        batch.Clear();
      }
      current = ino;
      bytes = 0;
      have = true;
    }
    bytes += p.logical_length;
  }
  ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "scan extents"));
  emit();
  batch.Put(kInodeBytesKey, "1");
  ZFS_RETURN_IF_ERROR(FromRocks(db->Write(NoWalForRecount(), &batch), "write inode bytes"));
  if (inodes > 0) spdlog::info("zerofs: counted the stored bytes of {} files", inodes);
  return OkStatus();
}

}  // namespace zerofs::engine
