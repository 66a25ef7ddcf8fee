// libFuzzer target for the NBD decoders: client flags, option headers and
// payloads (handshake), request headers and their validation (transmission),
// and the reply encoders fed with decoded values. Built by
// fuzz/CMakeLists.txt (ZEROFS_FUZZ=ON, clang); scripts/fuzz.sh 60 nbd_fuzz
// runs it for 60 s from the seeds in fuzz_corpus/.
// The input is read twice: as a handshake stream (4 bytes of client flags,
// then option header + payload, ...) and as a transmission stream
// (28-byte request headers). Besides not crashing, the decoders must keep
// the invariants checked below.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/coding.h"
#include "nbd/errors.h"
#include "nbd/option_parser.h"
#include "nbd/replies.h"
#include "nbd/request.h"
#include "nbd/wire.h"

namespace {

using namespace zerofs::nbd;

constexpr uint32_t kMaxOption = 16 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Re-encodes a decoded INFO/GO option; it must equal what was decoded.
std::string EncodeInfo(const ParsedOption& p) {
  std::string s;
  zerofs::PutBE32(&s, static_cast<uint32_t>(p.name.size()));
  s += p.name;
  auto be16 = [&s](uint16_t v) {
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v));
  };
  be16(static_cast<uint16_t>(p.info_requests.size()));
  for (uint16_t i : p.info_requests) be16(i);
  return s;
}

void FuzzHandshake(std::string_view in) {
  if (in.size() < kClientFlagsSize) return;
  ClientFlags flags;
  if (ParseClientFlags(in.substr(0, kClientFlagsSize), &flags)) {
    Check((zerofs::LoadBE32(in.data()) & ~3u) == 0);
  }
  in.remove_prefix(kClientFlagsSize);
  while (in.size() >= kOptionHeaderSize) {
    OptionHeader h;
    Check(DecodeOptionHeader(in.substr(0, kOptionHeaderSize), &h));
    std::string again;
    EncodeOptionHeader(&again, h);
    Check(again == in.substr(0, kOptionHeaderSize));
    in.remove_prefix(kOptionHeaderSize);
    // Ignore the magic so the fuzzer need not guess it to reach the parser.
    if (CheckOptionHeader(h, kMaxOption) == OptionHeaderCheck::kTooBig) h.length %= 64;
    std::string_view payload = in.substr(0, h.length);
    in.remove_prefix(payload.size());

    ParsedOption p = ParseOption(h.option, payload);
    Check(p.option == h.option);
    switch (p.kind) {
      case ParsedOption::Kind::kExportName:
        Check(h.option == kOptExportName && p.name == payload);
        break;
      case ParsedOption::Kind::kInfo:
      case ParsedOption::Kind::kGo:
        Check(p.name.size() <= kMaxStringSize);
        Check(p.name.find('\0') == std::string::npos);
        Check(EncodeInfo(p) == payload);
        break;
      case ParsedOption::Kind::kList:
      case ParsedOption::Kind::kStructuredReply:
        Check(payload.empty());
        break;
      case ParsedOption::Kind::kInvalid:
        Check(!p.error.empty());
        break;
      case ParsedOption::Kind::kAbort:
      case ParsedOption::Kind::kUnsupported:
        break;
    }
    std::string reply;
    EncodeOptionReply(&reply, h.option, kRepErrInvalid, p.error);
    OptionReplyHeader rh;
    Check(DecodeOptionReplyHeader(std::string_view(reply).substr(0, kOptionReplyHeaderSize), &rh));
    Check(rh.length == p.error.size() && rh.option == h.option);
  }
}

void FuzzTransmission(std::string_view in) {
  if (in.empty()) return;
  // The first byte picks the export's shape.
  const uint8_t shape = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  const uint64_t size = (shape & 1) ? (uint64_t{1} << 40) : 1 << 20;
  ExportLimits limits{size, 1u << 16, (shape & 2) != 0, (shape & 4) != 0};
  while (in.size() >= kRequestHeaderSize) {
    std::string_view raw = in.substr(0, kRequestHeaderSize);
    in.remove_prefix(kRequestHeaderSize);
    RequestHeader h;
    Check(DecodeRequestHeader(raw, &h));
    std::string again;
    EncodeRequestHeader(&again, h);
    Check(again == raw);
    if (shape & 8) h.magic = kRequestMagic;  // reach validation without guessing
    RequestCheck c = CheckRequest(h, limits);
    switch (c.action) {
      case RequestCheck::Action::kExecute:
        Check(h.magic == kRequestMagic);
        if (h.type != kCmdFlush) Check(h.offset <= size && h.length <= size - h.offset);
        if (h.type == kCmdRead || h.type == kCmdWrite) Check(h.length <= limits.max_payload);
        if (limits.read_only) Check(h.type != kCmdWrite && h.type != kCmdTrim);
        break;
      case RequestCheck::Action::kReplyError:
        Check(c.error != 0 && !c.reason.empty());
        break;
      case RequestCheck::Action::kDisconnect:
        Check(h.type == kCmdDisc);
        break;
      case RequestCheck::Action::kClose:
        Check(h.magic != kRequestMagic);
        break;
    }
    const ErrorContext ectx{(h.flags & kCmdFlagFastZero) != 0, limits.structured};
    const uint32_t err = ToNbdError(static_cast<int>(h.length % 200), ectx);
    Check(err != 0);
    OutgoingReply r = h.type == kCmdRead
                          ? EncodeReadError(h.cookie, err, c.reason, limits.structured)
                          : EncodeReply(h.cookie, err);
    if (limits.structured && h.type == kCmdRead) {
      StructuredReplyHeader sh;
      Check(DecodeStructuredReplyHeader(
          std::string_view(r.head).substr(0, kStructuredReplyHeaderSize), &sh));
      Check(sh.cookie == h.cookie && sh.length + kStructuredReplyHeaderSize == r.head.size());
    } else {
      SimpleReply sr;
      Check(DecodeSimpleReply(r.head, &sr));
      Check(sr.cookie == h.cookie && sr.error == err);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzHandshake(in);
  FuzzTransmission(in);
  return 0;
}
