// The startup check that a store enforces conditional writes, which fencing
// and the write-once segment names depend on (DESIGN.md, "Fencing").
// Works on any ObjectStore.
#pragma once

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

// The key prefix of probe objects ("zerofs-probe-<16 hex digits>").
inline constexpr char kProbeKeyPrefix[] = "zerofs-probe-";

// Writes a fresh random probe key with If-None-Match: * twice (the second
// must fail with kAlreadyExists), then with If-Match and a wrong ETag (must
// fail with kPreconditionFailed), and deletes it again (also on failure).
// Returns:
//  - OK when both conditions are enforced;
//  - kInvalidArgument "the store at <url> does not enforce conditional writes
//    (If-None-Match/If-Match); two writers could corrupt it. Set [storage]
//    allow_unsafe_conditional_writes = true to run anyway" when one is not;
//  - the store's own error (wrapped with "conditional-write probe") when a
//    request fails, e.g. wrong credentials or a missing bucket.
Status ProbeConditionalWrites(ObjectStore& store);

}  // namespace zerofs::objstore
