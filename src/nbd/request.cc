#include "nbd/request.h"

namespace zerofs::nbd {

namespace {

using Action = RequestCheck::Action;

RequestCheck Fail(uint32_t error, std::string reason) {
  return RequestCheck{Action::kReplyError, error, std::move(reason)};
}

// Flags each command accepts besides FUA (which any command may carry).
uint16_t AllowedFlags(uint16_t type, bool structured) {
  switch (type) {
    case kCmdRead:
      return kCmdFlagFua | (structured ? kCmdFlagDf : 0);
    case kCmdWriteZeroes:
      return kCmdFlagFua | kCmdFlagNoHole | kCmdFlagFastZero;
    default:
      return kCmdFlagFua;
  }
}

std::string Hex16(uint16_t v) {
  static const char kHex[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s.push_back(kHex[(v >> shift) & 0xf]);
  return s;
}

bool Writes(uint16_t type) {
  return type == kCmdWrite || type == kCmdTrim || type == kCmdWriteZeroes;
}

}  // namespace

RequestCheck CheckRequest(const RequestHeader& h, const ExportLimits& limits) {
  if (h.magic != kRequestMagic) {
    return RequestCheck{Action::kClose, 0, "bad request magic"};
  }
  const std::string name = CommandName(h.type);
  switch (h.type) {
    case kCmdRead:
    case kCmdWrite:
    case kCmdFlush:
    case kCmdTrim:
    case kCmdCache:
    case kCmdWriteZeroes:
      break;
    case kCmdDisc:
      return RequestCheck{Action::kDisconnect, 0, {}};
    default:
      return Fail(kEInval, name + " is not supported");
  }
  if ((h.flags & ~AllowedFlags(h.type, limits.structured)) != 0) {
    return Fail(kEInval, name + " with unsupported flags " + Hex16(h.flags));
  }
  if (limits.read_only && Writes(h.type)) return Fail(kEPerm, name + " on a read-only export");
  if (h.type == kCmdFlush) return RequestCheck{};
  if ((h.type == kCmdRead || h.type == kCmdWrite) && h.length > limits.max_payload) {
    return Fail(limits.structured ? kEOverflow : kEInval, name + " of " + std::to_string(h.length) +
                                                              " bytes exceeds the maximum of " +
                                                              std::to_string(limits.max_payload));
  }
  if (h.offset > limits.size || h.length > limits.size - h.offset) {
    bool write = h.type == kCmdWrite || h.type == kCmdWriteZeroes;
    return Fail(write ? kENoSpc : kEInval, name + " past the end of the export");
  }
  return RequestCheck{};
}

}  // namespace zerofs::nbd
