// Encoding and decoding of whole 9P2000.L frames (wire.h, messages.h).
//
// Decoders are pure functions over untrusted bytes: they never read past the
// frame, never allocate more than the frame can justify, and return errors as
// values (Error::Posix) so the caller can answer Rlerror or drop the
// connection:
//  - EPROTO: the header is bad (frame shorter than 7 bytes, or the size field
//    disagrees with the frame length). The connection cannot be trusted.
//  - EOPNOTSUPP: a well-framed message of a type this side does not handle
//    (legacy 9P2000 Topen/Tstat..., an R-type sent to a server...).
//  - EINVAL: a body that is truncated, has trailing bytes, or breaks a
//    limit (a walk of more than kMaxWalkElements names).
// Encoders never fail; strings longer than 65535 bytes are cut to 65535
// (callers validate names before encoding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ninep/messages.h"

namespace zerofs::ninep {

struct Header {
  uint32_t size = 0;
  uint8_t type = 0;
  uint16_t tag = 0;
};

// Reads the header of `frame` (which includes the size field). nullopt if the
// frame is shorter than kHeaderSize or its size field is not frame.size().
std::optional<Header> ParseHeader(std::string_view frame);

// Whether a size field announces an acceptable frame: at least the header,
// at most `msize`.
inline bool FrameSizeOk(uint32_t size, uint32_t msize) {
  return size >= kHeaderSize && size <= msize;
}

struct Request {
  uint16_t tag = 0;
  TMessage msg;
};
struct Response {
  uint16_t tag = 0;
  RMessage msg;
};

// REQUIRES for views in the result (Twrite::data): `frame` outlives them.
Result<Request> DecodeRequest(std::string_view frame);
std::string EncodeRequest(uint16_t tag, const TMessage& msg);

// REQUIRES for views in the result (Rread::data): `frame` outlives them.
Result<Response> DecodeResponse(std::string_view frame);
std::string EncodeResponse(uint16_t tag, const RMessage& msg);

// The type number of a message.
MsgType TypeOf(const TMessage& msg);
MsgType TypeOf(const RMessage& msg);

// Rreaddir data: bytes one entry takes, appending one, and parsing them all
// (EINVAL on a truncated entry).
inline size_t DirentSize(std::string_view name) { return kDirentFixedSize + name.size(); }
void AppendDirent(std::string* data, const Dirent& d);
Result<std::vector<Dirent>> ParseDirents(std::string_view data);

// Rreaddirplus data: each dirent followed by an Rgetattr body
// (kGetattrBodySize bytes).
inline size_t DirentPlusSize(std::string_view name) { return DirentSize(name) + kGetattrBodySize; }
void AppendDirentPlus(std::string* data, const DirentPlus& e);
Result<std::vector<DirentPlus>> ParseDirentsPlus(std::string_view data);

}  // namespace zerofs::ninep
