// ONC RPC record marking over TCP (RFC 5531 section 11): a record is a
// sequence of fragments, each preceded by a big-endian 32-bit word whose high
// bit marks the last fragment and whose low 31 bits give its length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::nfs {

constexpr uint32_t kLastFragment = 0x80000000u;
// Largest record accepted: a 1 MiB WRITE fits many times over; anything
// bigger is a broken or hostile client and the connection is closed.
constexpr size_t kDefaultMaxRecord = (4u << 20) + 4096;

// Reassembles records from a byte stream fed in arbitrary pieces.
// Invariant: a failed assembler stays failed (the stream is out of sync).
class RecordAssembler {
 public:
  explicit RecordAssembler(size_t max_record = kDefaultMaxRecord) : max_record_(max_record) {}

  // Consumes `data`, appending every completed record to `out`. Fails with
  // kInvalidArgument when a record would exceed max_record (the caller
  // closes the connection).
  Status Feed(std::string_view data, std::vector<std::string>* out);

  // Bytes of the record being assembled (for back-pressure accounting).
  size_t pending_bytes() const { return record_.size(); }

 private:
  size_t max_record_;
  bool failed_ = false;
  char header_[4] = {};
  size_t header_len_ = 0;       // bytes of the current fragment header read
  size_t fragment_left_ = 0;    // bytes of the current fragment still to come
  bool last_fragment_ = false;  // the current fragment ends the record
  bool in_fragment_ = false;
  std::string record_;
};

// Wraps an encoded reply (whose first four bytes were reserved) as a single
// last fragment by writing the record mark into those bytes.
// `tail_bytes` more bytes follow the reply in the same record.
void SetRecordMark(std::string* reply_with_reserved_header, size_t tail_bytes = 0);

}  // namespace zerofs::nfs
