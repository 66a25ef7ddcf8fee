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

std::string EncodeReadReplyHead(uint64_t cookie, uint64_t offset, uint32_t size, bool structured) {
  if (!structured) return EncodeReply(cookie, 0).head;
  if (size == 0) return ChunkHeader(cookie, kReplyTypeNone, 0);  // OFFSET_DATA needs a byte
  std::string head = ChunkHeader(cookie, kReplyTypeOffsetData,
                                 static_cast<uint32_t>(kOffsetDataPrefixSize + size));
  PutBE64(&head, offset);
  return head;
}

OutgoingReply EncodeReadReply(uint64_t cookie, uint64_t offset, std::string data, bool structured) {
  OutgoingReply r;
  r.head = EncodeReadReplyHead(cookie, offset, static_cast<uint32_t>(data.size()), structured);
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
