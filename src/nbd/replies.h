// Encoding of transmission replies (pure). Simple replies for every command
// except READ once structured replies are negotiated, which gets one
// NBD_REPLY_TYPE_OFFSET_DATA chunk (or NONE for length 0, or ERROR), always
// flagged DONE: reads are never fragmented, so NBD_CMD_FLAG_DF is trivially
// honoured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zerofs::nbd {

// A reply ready for the socket: `head` then `data`. Kept apart so READ data
// is sent from the buffer the filesystem filled, without another copy.
struct OutgoingReply {
  std::string head;
  std::string data;
  size_t size() const { return head.size() + data.size(); }
};

// Reply to any command but READ: a simple reply with `error` (0 = success).
OutgoingReply EncodeReply(uint64_t cookie, uint32_t error);

// Successful READ of `data` (exactly the requested length) at `offset`.
OutgoingReply EncodeReadReply(uint64_t cookie, uint64_t offset, std::string data, bool structured);

// The head of that reply for `size` bytes of data, which the caller sends
// after it from wherever they are (the memory cache's extents).
std::string EncodeReadReplyHead(uint64_t cookie, uint64_t offset, uint32_t size, bool structured);

// Failed READ: a simple reply with `error`, or an NBD_REPLY_TYPE_ERROR chunk
// carrying `message` (truncated to 4096 bytes).
OutgoingReply EncodeReadError(uint64_t cookie, uint32_t error, std::string_view message,
                              bool structured);

}  // namespace zerofs::nbd
