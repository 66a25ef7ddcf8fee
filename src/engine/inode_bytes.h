// Per-inode stored-bytes counters ('B' keys of the local index): the logical
// bytes of the extents each inode has stored, so that a file's allocated
// size (st_blocks) leaves its holes out. The Applier keeps them in step with
// every extent put and delete; this file brings an index made before the
// counters existed up to date.
#pragma once

#include <rocksdb/db.h>

#include "base/result.h"

namespace zerofs::engine {

// If the index lacks kInodeBytesKey, recounts every 'B' counter from the
// extent pointers and sets the key. Cheap once done (one Get). Call at open,
// before any commit.
Status EnsureInodeBytes(rocksdb::DB* db);

}  // namespace zerofs::engine
