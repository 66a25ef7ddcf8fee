#include "engine/recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "engine/applier.h"
#include "engine/blob.h"
#include "engine/journal.h"
#include "engine/segment_builder.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

namespace {

objstore::PutOptions IfNoneMatch() {
  objstore::PutOptions o;
  o.mode = objstore::PutMode::kIfNoneMatch;
  return o;
}

Status ApplyRecords(rocksdb::DB* db, uint64_t id, const std::vector<JournalRecord>& records) {
  Applier applier(db);
  for (const JournalRecord& r : records) {
    Status s = applier.Apply(id, r);
    if (!s.ok()) return s.error().Wrap(SegmentObjectKey(id));
  }
  ZFS_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, applier.Finish());
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  return FromRocks(db->Write(wo, batch), "apply " + SegmentObjectKey(id));
}

}  // namespace

Result<crypto::SecretKey> LoadOrCreateKey(const EngineOptions& options) {
  objstore::ObjectStore* store = options.store.get();
  auto got = store->Get(kKeyFileKey);
  if (!got.ok() && got.error().code() == Code::kNotFound) {
    if (options.read_only || !options.create_if_missing) {
      return Error(Code::kNotFound,
                   "no ZeroFS store at " + store->Describe() + " (zerofs.key not found)");
    }
    ZFS_ASSIGN_OR_RETURN(crypto::NewKeyFile created,
                         crypto::CreateKeyFile(options.password, options.kdf));
    auto put = store->Put(kKeyFileKey, created.file_bytes, IfNoneMatch());
    if (put.ok()) {
      spdlog::info("zerofs: created a new store at {}", store->Describe());
      return created.data_key;
    }
    if (put.error().code() != Code::kAlreadyExists) {
      return put.error().Wrap("create " + std::string(kKeyFileKey));
    }
    got = store->Get(kKeyFileKey);  // another process created it first
  }
  if (!got.ok()) return got.error().Wrap("read " + std::string(kKeyFileKey));
  auto key = crypto::OpenKeyFile(got->data, options.password);
  if (!key.ok()) return key.error().Wrap(store->Describe() + "/" + std::string(kKeyFileKey));
  return key;
}

Result<VersionedManifest> LoadOrCreateManifest(objstore::ObjectStore* store,
                                               const crypto::SecretKey& meta_key, bool create) {
  for (int attempt = 0; attempt < 3; attempt++) {
    auto m = LoadManifest(store, meta_key);
    if (m.ok() || m.error().code() != Code::kNotFound) return m;
    if (!create) return VersionedManifest{};
    Manifest initial;
    initial.updated_ms = NowUnixMs();
    auto put = store->Put(kManifestKey, initial.Encode(meta_key), IfNoneMatch());
    if (put.ok()) return VersionedManifest{initial, std::move(put).value()};
    if (put.error().code() != Code::kAlreadyExists) return put.error().Wrap("create manifest");
  }
  return Error(Code::kIoError, "manifest at " + store->Describe() + " keeps changing");
}

Result<VersionedManifest> BumpEpoch(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                                    VersionedManifest current) {
  for (int attempt = 0; attempt < 20; attempt++) {
    Manifest next = current.manifest;
    next.epoch++;
    next.updated_ms = NowUnixMs();
    auto etag = SwapManifest(store, meta_key, next, current.etag);
    if (etag.ok()) return VersionedManifest{next, std::move(etag).value()};
    if (etag.error().code() != Code::kPreconditionFailed) {
      return etag.error().Wrap("bump writer epoch");
    }
    ZFS_ASSIGN_OR_RETURN(current, LoadManifest(store, meta_key));
  }
  return Error(Code::kIoError, "could not bump the writer epoch at " + store->Describe() +
                                   ": the manifest keeps changing");
}

Status ReplaySegment(objstore::ObjectStore* store, const crypto::Subkeys& keys, rocksdb::DB* db,
                     uint64_t id, uint64_t object_size) {
  const std::string key = SegmentObjectKey(id);
  if (object_size == 0) {
    ZFS_ASSIGN_OR_RETURN(objstore::ObjectInfo info, store->Head(key));
    object_size = info.size;
  }
  if (object_size < kFooterSize) {
    return Error(Code::kCorruption, key + ": object of " + std::to_string(object_size) +
                                        " bytes is shorter than a footer");
  }
  ZFS_ASSIGN_OR_RETURN(
      objstore::GetResult tail,
      store->Get(key, objstore::ByteRange{object_size - kFooterSize, kFooterSize}));
  ZFS_ASSIGN_OR_RETURN(SegmentFooter footer, SegmentFooter::Decode(tail.data, id, object_size));
  std::string journal;
  if (footer.journal_length > 0) {
    ZFS_ASSIGN_OR_RETURN(
        objstore::GetResult got,
        store->Get(key, objstore::ByteRange{footer.journal_offset, footer.journal_length}));
    journal = std::move(got.data);
  }
  if (journal.size() != footer.journal_length) {
    return Error(Code::kCorruption, key + ": journal shorter than its footer says");
  }
  ZFS_ASSIGN_OR_RETURN(std::string body,
                       OpenBlob(keys.meta, journal, JournalAd(id), key + " journal"));
  auto records = DecodeJournal(body);
  if (!records.ok()) return records.error().Wrap(key);
  return ApplyRecords(db, id, *records);
}

Result<uint64_t> ReplayAfter(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                             rocksdb::DB* db, uint64_t horizon) {
  ZFS_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> objects, store->ListAll(kSegmentsPrefix));
  std::vector<std::pair<uint64_t, uint64_t>> later;  // id, size
  for (const objstore::ObjectInfo& o : objects) {
    uint64_t id = 0;
    if (ParseSegmentObjectKey(o.key, &id) && id > horizon) later.emplace_back(id, o.size);
  }
  std::sort(later.begin(), later.end());
  uint64_t last = horizon;
  for (const auto& [id, size] : later) {
    if (id != last + 1) {
      return Error(Code::kCorruption, "segment " + SegmentObjectKey(last + 1) +
                                          " is missing from " + store->Describe() + " but " +
                                          SegmentObjectKey(id) +
                                          " exists: the journal chain has a gap");
    }
    ZFS_RETURN_IF_ERROR(ReplaySegment(store, keys, db, id, size));
    last = id;
  }
  return last;
}

Result<uint64_t> ClaimNextSegment(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                                  rocksdb::DB* db, uint64_t epoch, uint64_t last) {
  for (uint64_t id = last + 1;; id++) {
    SegmentBuilder builder(id, epoch);
    SegmentBuilder::Finished empty = builder.Finish(keys.meta, crypto::Codec::kRaw, 0);
    auto put = store->Put(SegmentObjectKey(id), empty.bytes.view(), IfNoneMatch());
    if (put.ok()) {
      ZFS_RETURN_IF_ERROR(ApplyRecords(db, id, {empty.info}));
      return id;
    }
    if (put.error().code() != Code::kAlreadyExists) {
      return put.error().Wrap("claim " + SegmentObjectKey(id));
    }
    // A previous writer, still running, uploaded this id after our listing
    // (or an ambiguous PUT of ours landed): replay it and move on.
    ZFS_RETURN_IF_ERROR(ReplaySegment(store, keys, db, id, 0));
  }
}

}  // namespace zerofs::engine
