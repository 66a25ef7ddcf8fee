#include "nbd/replies.h"

#include <algorithm>

#include "base/coding.h"
#include "nbd/wire.h"

namespace zerofs::nbd {

namespace {

constexpr size_t kMaxErrorMessage = 4096;

std::string ChunkHeader(uint64_t cookie, uint16_t type, uint32_t length) {
  std::string out;
  StructuredReplyHeader h;
  h.flags = kReplyFlagDone;
  h.type = type;
  h.cookie = cookie;
  h.length = length;
  EncodeStructuredReplyHeader(&out, h);
  return out;
}

}  // namespace

OutgoingReply EncodeReply(uint64_t cookie, uint32_t error) {
  OutgoingReply r;
  SimpleReply s;
  s.error = error;
  s.cookie = cookie;
  EncodeSimpleReply(&r.head, s);
  return r;
}

OutgoingReply EncodeReadReply(uint64_t cookie, uint64_t offset, std::string data, bool structured) {
  if (!structured) {
    OutgoingReply r = EncodeReply(cookie, 0);
    r.data = std::move(data);
    return r;
  }
  OutgoingReply r;
  if (data.empty()) {  // an OFFSET_DATA chunk must carry at least one byte
    r.head = ChunkHeader(cookie, kReplyTypeNone, 0);
    return r;
  }
  r.head = ChunkHeader(cookie, kReplyTypeOffsetData,
                       static_cast<uint32_t>(kOffsetDataPrefixSize + data.size()));
  PutBE64(&r.head, offset);
  r.data = std::move(data);
  return r;
}

OutgoingReply EncodeReadError(uint64_t cookie, uint32_t error, std::string_view message,
                              bool structured) {
  if (!structured) return EncodeReply(cookie, error);
  message = message.substr(0, std::min(message.size(), kMaxErrorMessage));
  OutgoingReply r;
  r.head = ChunkHeader(cookie, kReplyTypeError,
                       static_cast<uint32_t>(kErrorChunkPrefixSize + message.size()));
  PutBE32(&r.head, error);
  r.head.push_back(static_cast<char>(message.size() >> 8));
  r.head.push_back(static_cast<char>(message.size()));
  r.head.append(message);
  return r;
}

}  // namespace zerofs::nbd
