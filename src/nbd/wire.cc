#include "nbd/wire.h"

#include "base/coding.h"

namespace zerofs::nbd {

namespace {

void PutBE16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

uint16_t LoadBE16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((b[0] << 8) | b[1]);
}

}  // namespace

void EncodeGreeting(std::string* out, uint16_t handshake_flags) {
  PutBE64(out, kNbdMagic);
  PutBE64(out, kIHaveOpt);
  PutBE16(out, handshake_flags);
}

void EncodeOptionHeader(std::string* out, const OptionHeader& h) {
  PutBE64(out, h.magic);
  PutBE32(out, h.option);
  PutBE32(out, h.length);
}

bool DecodeOptionHeader(std::string_view in, OptionHeader* h) {
  if (in.size() != kOptionHeaderSize) return false;
  h->magic = LoadBE64(in.data());
  h->option = LoadBE32(in.data() + 8);
  h->length = LoadBE32(in.data() + 12);
  return true;
}

void EncodeOptionReplyHeader(std::string* out, const OptionReplyHeader& h) {
  PutBE64(out, h.magic);
  PutBE32(out, h.option);
  PutBE32(out, h.type);
  PutBE32(out, h.length);
}

bool DecodeOptionReplyHeader(std::string_view in, OptionReplyHeader* h) {
  if (in.size() != kOptionReplyHeaderSize) return false;
  h->magic = LoadBE64(in.data());
  h->option = LoadBE32(in.data() + 8);
  h->type = LoadBE32(in.data() + 12);
  h->length = LoadBE32(in.data() + 16);
  return true;
}

void EncodeOptionReply(std::string* out, uint32_t option, uint32_t type, std::string_view data) {
  OptionReplyHeader h;
  h.option = option;
  h.type = type;
  h.length = static_cast<uint32_t>(data.size());
  EncodeOptionReplyHeader(out, h);
  out->append(data);
}

void EncodeRequestHeader(std::string* out, const RequestHeader& h) {
  PutBE32(out, h.magic);
  PutBE16(out, h.flags);
  PutBE16(out, h.type);
  PutBE64(out, h.cookie);
  PutBE64(out, h.offset);
  PutBE32(out, h.length);
}

bool DecodeRequestHeader(std::string_view in, RequestHeader* h) {
  if (in.size() != kRequestHeaderSize) return false;
  h->magic = LoadBE32(in.data());
  h->flags = LoadBE16(in.data() + 4);
  h->type = LoadBE16(in.data() + 6);
  h->cookie = LoadBE64(in.data() + 8);
  h->offset = LoadBE64(in.data() + 16);
  h->length = LoadBE32(in.data() + 24);
  return true;
}

void EncodeSimpleReply(std::string* out, const SimpleReply& r) {
  PutBE32(out, r.magic);
  PutBE32(out, r.error);
  PutBE64(out, r.cookie);
}

bool DecodeSimpleReply(std::string_view in, SimpleReply* r) {
  if (in.size() != kSimpleReplySize) return false;
  r->magic = LoadBE32(in.data());
  r->error = LoadBE32(in.data() + 4);
  r->cookie = LoadBE64(in.data() + 8);
  return true;
}

void EncodeStructuredReplyHeader(std::string* out, const StructuredReplyHeader& h) {
  PutBE32(out, h.magic);
  PutBE16(out, h.flags);
  PutBE16(out, h.type);
  PutBE64(out, h.cookie);
  PutBE32(out, h.length);
}

bool DecodeStructuredReplyHeader(std::string_view in, StructuredReplyHeader* h) {
  if (in.size() != kStructuredReplyHeaderSize) return false;
  h->magic = LoadBE32(in.data());
  h->flags = LoadBE16(in.data() + 4);
  h->type = LoadBE16(in.data() + 6);
  h->cookie = LoadBE64(in.data() + 8);
  h->length = LoadBE32(in.data() + 16);
  return true;
}

std::string CommandName(uint16_t type) {
  switch (type) {
    case kCmdRead:
      return "NBD_CMD_READ";
    case kCmdWrite:
      return "NBD_CMD_WRITE";
    case kCmdDisc:
      return "NBD_CMD_DISC";
    case kCmdFlush:
      return "NBD_CMD_FLUSH";
    case kCmdTrim:
      return "NBD_CMD_TRIM";
    case kCmdCache:
      return "NBD_CMD_CACHE";
    case kCmdWriteZeroes:
      return "NBD_CMD_WRITE_ZEROES";
    case kCmdBlockStatus:
      return "NBD_CMD_BLOCK_STATUS";
    case kCmdResize:
      return "NBD_CMD_RESIZE";
  }
  return "NBD_CMD_" + std::to_string(type);
}

std::string OptionName(uint32_t option) {
  switch (option) {
    case kOptExportName:
      return "NBD_OPT_EXPORT_NAME";
    case kOptAbort:
      return "NBD_OPT_ABORT";
    case kOptList:
      return "NBD_OPT_LIST";
    case kOptStartTls:
      return "NBD_OPT_STARTTLS";
    case kOptInfo:
      return "NBD_OPT_INFO";
    case kOptGo:
      return "NBD_OPT_GO";
    case kOptStructuredReply:
      return "NBD_OPT_STRUCTURED_REPLY";
    case kOptListMetaContext:
      return "NBD_OPT_LIST_META_CONTEXT";
    case kOptSetMetaContext:
      return "NBD_OPT_SET_META_CONTEXT";
    case kOptExtendedHeaders:
      return "NBD_OPT_EXTENDED_HEADERS";
  }
  return "NBD_OPT_" + std::to_string(option);
}

}  // namespace zerofs::nbd
