// Pure decoders for the option-haggling phase: client flags, option headers
// and option payloads. No I/O and no filesystem access, so every path is
// unit-tested (option_parser_test.cc) and fuzzed (nbd_fuzz.cc). The
// handshake (handshake.cc) acts on what these return.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nbd/wire.h"

namespace zerofs::nbd {

// What the client flags word (4 bytes) allows.
struct ClientFlags {
  bool fixed_newstyle = false;
  bool no_zeroes = false;
};

// Decodes the 4-byte client flags. False for a wrong size or any bit the
// server did not offer (the spec says: drop the connection).
bool ParseClientFlags(std::string_view in, ClientFlags* flags);

enum class OptionHeaderCheck : uint8_t {
  kOk,
  kBadMagic,  // not IHAVEOPT: the stream is out of sync; close
  kTooBig,    // length > the server's limit: reply NBD_REP_ERR_TOO_BIG, close
};
OptionHeaderCheck CheckOptionHeader(const OptionHeader& h, uint32_t max_payload);

// One option, decoded.
struct ParsedOption {
  enum class Kind : uint8_t {
    kExportName,       // name
    kAbort,            //
    kList,             //
    kInfo,             // name, info_requests
    kGo,               // name, info_requests
    kStructuredReply,  //
    kUnsupported,      // reply NBD_REP_ERR_UNSUP
    kInvalid,          // reply NBD_REP_ERR_INVALID with `error` as message
  };
  Kind kind = Kind::kInvalid;
  uint32_t option = 0;  // the NBD_OPT_* value, for the reply header
  std::string name;
  std::vector<uint16_t> info_requests;  // NBD_INFO_* the client asked for
  std::string error;                    // kInvalid: why, for the client and logs
};

// Decodes `payload` of option `option`. Rules (proto.md "Option types"):
//  - EXPORT_NAME: the whole payload is the name.
//  - INFO/GO: u32 name length | name | u16 count | count x u16; the sizes
//    must add up exactly.
//  - LIST, STRUCTURED_REPLY: no payload.
//  - ABORT: any payload is ignored.
//  - Names longer than kMaxStringSize or containing NUL are invalid.
//  - STARTTLS, the meta-context options, EXTENDED_HEADERS and unknown
//    options are unsupported.
ParsedOption ParseOption(uint32_t option, std::string_view payload);

}  // namespace zerofs::nbd
