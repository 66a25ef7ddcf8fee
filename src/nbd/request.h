// Validation of transmission requests at the edge: every request header is
// checked here, before any filesystem call, against the export chosen in the
// handshake (proto.md "Request types" and "Error values"). Pure, so every
// error path is unit-tested (request_test.cc) and fuzzed (nbd_fuzz.cc).
#pragma once

#include <cstdint>
#include <string>

#include "nbd/wire.h"

namespace zerofs::nbd {

// What a connection negotiated, as far as validation cares.
struct ExportLimits {
  uint64_t size = 0;         // export size, fixed at GO / EXPORT_NAME time
  uint32_t max_payload = 0;  // NBD_INFO_BLOCK_SIZE maximum
  bool read_only = false;    // NBD_FLAG_READ_ONLY was sent
  bool structured = false;   // structured replies negotiated
};

struct RequestCheck {
  enum class Action : uint8_t {
    kExecute,     // run the command
    kReplyError,  // reply `error` (reading and discarding a WRITE payload first)
    kDisconnect,  // NBD_CMD_DISC: finish requests in flight, then close
    kClose,       // the stream cannot be trusted (bad magic): close now
  };
  Action action = Action::kExecute;
  uint32_t error = 0;  // NBD_E* for kReplyError
  std::string reason;  // for logs, e.g. "NBD_CMD_READ past the end of the export"
};

// Checks `h`. Rules:
//  - magic must be kRequestMagic (else kClose).
//  - known commands: READ, WRITE, DISC, FLUSH, TRIM, CACHE, WRITE_ZEROES;
//    others (BLOCK_STATUS, RESIZE, unknown) EINVAL.
//  - flags: FUA on any command; DF on READ only, and only with structured
//    replies; NO_HOLE and FAST_ZERO on WRITE_ZEROES only; anything else EINVAL.
//  - WRITE, TRIM, WRITE_ZEROES on a read-only export: EPERM.
//  - READ and WRITE longer than max_payload: EOVERFLOW with structured
//    replies, else EINVAL (the spec allows either; EOVERFLOW tells a modern
//    client to split the request). TRIM, WRITE_ZEROES and CACHE carry no
//    payload and may be longer.
//  - offset + length past the export size: ENOSPC for WRITE and
//    WRITE_ZEROES, EINVAL for the others. FLUSH and DISC ignore the range.
RequestCheck CheckRequest(const RequestHeader& h, const ExportLimits& limits);

}  // namespace zerofs::nbd
