// ForwardingStore: an ObjectStore decorator that passes every call to the
// store it wraps. Decorators that change a few calls (tests that count or
// slow down GETs, for instance) derive from it and override only those.
#pragma once

#include <memory>

#include "objstore/object_store.h"

namespace zerofs::objstore {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::shared_ptr<ObjectStore> base) : base_(std::move(base)) {}

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override {
    return base_->Get(key, range);
  }
  Result<ObjectInfo> Head(std::string_view key) override { return base_->Head(key); }
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override {
    return base_->Put(key, data, options);
  }
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override {
    return base_->List(prefix, token, max_keys);
  }
  Status Delete(std::string_view key) override { return base_->Delete(key); }
  Status DeleteMany(const std::vector<std::string>& keys) override {
    return base_->DeleteMany(keys);
  }
  std::string Describe() const override { return base_->Describe(); }

 private:
  const std::shared_ptr<ObjectStore> base_;
};

}  // namespace zerofs::objstore
