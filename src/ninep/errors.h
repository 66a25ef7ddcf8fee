// The one place where errors become Rlerror codes. 9P2000.L carries Linux
// errno values on the wire; ZeroFS runs on Linux, so fs errnos pass through
// unchanged. Anything that is not a plausible errno (0, negative, huge)
// becomes EIO, so a client never sees "success" in an Rlerror.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "ninep/messages.h"

namespace zerofs::ninep {

uint32_t WireErrno(const Error& error);

inline Rlerror ToRlerror(const Error& error) { return Rlerror{WireErrno(error)}; }

}  // namespace zerofs::ninep
