// Turns a validated Config into the objects every engine-backed command
// needs: the object store (with retries), the engine options and the local
// index directory. One place, so run, change-password and fsck agree.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "engine/engine.h"
#include "objstore/object_store.h"

namespace zerofs::cli {

// Opens the store named by storage.url (wrapped in RetryStore) and checks it
// is reachable by listing it once. Errors name the URL. With `probe`, a
// cloud store's conditional writes are tested (a few small writes); fsck,
// which must not write, passes false.
Result<std::shared_ptr<objstore::ObjectStore>> OpenConfiguredStore(const config::Config& config,
                                                                   bool probe = true);

// The local directory that holds this store's metadata index: a
// subdirectory of cache.dir named after the storage URL, so that several
// stores can share one cache dir.
std::string IndexDirFor(const config::Config& config, const std::string& suffix = "index");

// Engine options from [storage] and [cache]; `store` from OpenConfiguredStore.
engine::EngineOptions EngineOptionsFor(const config::Config& config,
                                       std::shared_ptr<objstore::ObjectStore> store);

}  // namespace zerofs::cli
