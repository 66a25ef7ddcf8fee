// The NBD wire format (fixed newstyle negotiation and transmission), as in
// the protocol document https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md.
//
// BYTE ORDER: every integer on the NBD wire is big-endian (network order).
// The structs below hold host-order values; Encode*/Decode* convert. Each
// fixed layout has a k*Size constant and a static_assert that it equals the
// sum of its fields, so a field added to a struct without its codec fails to
// compile. Decoders never read past their input and reject what the spec
// says a peer MUST NOT send; they are pure functions over bytes (see
// nbd_fuzz.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zerofs::nbd {

// ---- Handshake (server greeting, client flags) ------------------------------

// Server greeting: kNbdMagic (u64) | kIHaveOpt (u64) | handshake flags (u16).
constexpr uint64_t kNbdMagic = 0x4e42444d41474943;  // "NBDMAGIC"
constexpr uint64_t kIHaveOpt = 0x49484156454F5054;  // "IHAVEOPT"
constexpr size_t kGreetingSize = 8 + 8 + 2;

// Handshake flags (server -> client, u16).
constexpr uint16_t kFlagFixedNewstyle = 1 << 0;  // NBD_FLAG_FIXED_NEWSTYLE
constexpr uint16_t kFlagNoZeroes = 1 << 1;       // NBD_FLAG_NO_ZEROES

// Client flags (client -> server, u32). Any other bit: drop the connection.
constexpr uint32_t kClientFlagFixedNewstyle = 1 << 0;  // NBD_FLAG_C_FIXED_NEWSTYLE
constexpr uint32_t kClientFlagNoZeroes = 1 << 1;       // NBD_FLAG_C_NO_ZEROES
constexpr size_t kClientFlagsSize = 4;

// ---- Option haggling -------------------------------------------------------

// Option request header; `length` bytes of option data follow.
struct OptionHeader {
  uint64_t magic = kIHaveOpt;  // kIHaveOpt
  uint32_t option = 0;         // NBD_OPT_*
  uint32_t length = 0;         // bytes of data that follow
};
constexpr size_t kOptionHeaderSize = 8 + 4 + 4;
static_assert(kOptionHeaderSize == sizeof(uint64_t) + 2 * sizeof(uint32_t));

// Option types (NBD_OPT_*).
constexpr uint32_t kOptExportName = 1;
constexpr uint32_t kOptAbort = 2;
constexpr uint32_t kOptList = 3;
constexpr uint32_t kOptStartTls = 5;
constexpr uint32_t kOptInfo = 6;
constexpr uint32_t kOptGo = 7;
constexpr uint32_t kOptStructuredReply = 8;
constexpr uint32_t kOptListMetaContext = 9;
constexpr uint32_t kOptSetMetaContext = 10;
constexpr uint32_t kOptExtendedHeaders = 11;

// Option reply header; `length` bytes of reply data follow.
constexpr uint64_t kOptionReplyMagic = 0x0003e889045565a9;
struct OptionReplyHeader {
  uint64_t magic = kOptionReplyMagic;  // kOptionReplyMagic
  uint32_t option = 0;                 // the option being answered
  uint32_t type = 0;                   // NBD_REP_*
  uint32_t length = 0;                 // bytes of data that follow
};
constexpr size_t kOptionReplyHeaderSize = 8 + 4 + 4 + 4;
static_assert(kOptionReplyHeaderSize == sizeof(uint64_t) + 3 * sizeof(uint32_t));

// Option reply types (NBD_REP_*); errors have bit 31 set and may carry a
// human-readable message as data.
constexpr uint32_t kRepAck = 1;
constexpr uint32_t kRepServer = 2;
constexpr uint32_t kRepInfo = 3;
constexpr uint32_t kRepErrorBit = 1u << 31;
constexpr uint32_t kRepErrUnsup = kRepErrorBit | 1;
constexpr uint32_t kRepErrPolicy = kRepErrorBit | 2;
constexpr uint32_t kRepErrInvalid = kRepErrorBit | 3;
constexpr uint32_t kRepErrPlatform = kRepErrorBit | 4;
constexpr uint32_t kRepErrTlsReqd = kRepErrorBit | 5;
constexpr uint32_t kRepErrUnknown = kRepErrorBit | 6;
constexpr uint32_t kRepErrShutdown = kRepErrorBit | 7;
constexpr uint32_t kRepErrBlockSizeReqd = kRepErrorBit | 8;
constexpr uint32_t kRepErrTooBig = kRepErrorBit | 9;

// NBD_REP_INFO payloads start with a u16 information type (NBD_INFO_*).
constexpr uint16_t kInfoExport = 0;       // u64 size | u16 transmission flags
constexpr uint16_t kInfoName = 1;         // the export's name (no length field)
constexpr uint16_t kInfoDescription = 2;  // human-readable text (no length field)
constexpr uint16_t kInfoBlockSize = 3;    // u32 minimum | u32 preferred | u32 maximum
constexpr size_t kInfoExportSize = 2 + 8 + 2;
constexpr size_t kInfoBlockSizeSize = 2 + 4 + 4 + 4;

// NBD_OPT_EXPORT_NAME success: u64 size | u16 transmission flags, then 124
// zero bytes unless both sides set NO_ZEROES.
constexpr size_t kExportNameReplySize = 8 + 2;
constexpr size_t kExportNameZeroes = 124;

// Longest string (export name, description) the spec lets a peer send.
constexpr size_t kMaxStringSize = 4096;

// ---- Transmission ----------------------------------------------------------

// Transmission flags (u16, per export).
constexpr uint16_t kTxHasFlags = 1 << 0;         // NBD_FLAG_HAS_FLAGS: always set
constexpr uint16_t kTxReadOnly = 1 << 1;         // NBD_FLAG_READ_ONLY
constexpr uint16_t kTxSendFlush = 1 << 2;        // NBD_FLAG_SEND_FLUSH
constexpr uint16_t kTxSendFua = 1 << 3;          // NBD_FLAG_SEND_FUA
constexpr uint16_t kTxRotational = 1 << 4;       // NBD_FLAG_ROTATIONAL
constexpr uint16_t kTxSendTrim = 1 << 5;         // NBD_FLAG_SEND_TRIM
constexpr uint16_t kTxSendWriteZeroes = 1 << 6;  // NBD_FLAG_SEND_WRITE_ZEROES
constexpr uint16_t kTxSendDf = 1 << 7;           // NBD_FLAG_SEND_DF (structured only)
constexpr uint16_t kTxCanMultiConn = 1 << 8;     // NBD_FLAG_CAN_MULTI_CONN
constexpr uint16_t kTxSendResize = 1 << 9;       // NBD_FLAG_SEND_RESIZE
constexpr uint16_t kTxSendCache = 1 << 10;       // NBD_FLAG_SEND_CACHE
constexpr uint16_t kTxSendFastZero = 1 << 11;    // NBD_FLAG_SEND_FAST_ZERO

// Request header; a WRITE carries `length` bytes of data after it.
constexpr uint32_t kRequestMagic = 0x25609513;
struct RequestHeader {
  uint32_t magic = kRequestMagic;  // kRequestMagic
  uint16_t flags = 0;              // NBD_CMD_FLAG_*
  uint16_t type = 0;               // NBD_CMD_*
  uint64_t cookie = 0;             // opaque, echoed in the reply ("handle")
  uint64_t offset = 0;             // byte offset into the export
  uint32_t length = 0;             // bytes affected (and WRITE payload size)
};
constexpr size_t kRequestHeaderSize = 4 + 2 + 2 + 8 + 8 + 4;
static_assert(kRequestHeaderSize ==
              2 * sizeof(uint32_t) + 2 * sizeof(uint16_t) + 2 * sizeof(uint64_t));

// Commands (NBD_CMD_*).
constexpr uint16_t kCmdRead = 0;
constexpr uint16_t kCmdWrite = 1;
constexpr uint16_t kCmdDisc = 2;
constexpr uint16_t kCmdFlush = 3;
constexpr uint16_t kCmdTrim = 4;
constexpr uint16_t kCmdCache = 5;
constexpr uint16_t kCmdWriteZeroes = 6;
constexpr uint16_t kCmdBlockStatus = 7;
constexpr uint16_t kCmdResize = 8;

// Command flags (NBD_CMD_FLAG_*).
constexpr uint16_t kCmdFlagFua = 1 << 0;         // durable before the reply
constexpr uint16_t kCmdFlagNoHole = 1 << 1;      // WRITE_ZEROES: allocate, do not punch
constexpr uint16_t kCmdFlagDf = 1 << 2;          // READ: do not fragment
constexpr uint16_t kCmdFlagReqOne = 1 << 3;      // BLOCK_STATUS only
constexpr uint16_t kCmdFlagFastZero = 1 << 4;    // WRITE_ZEROES: fail fast if slow
constexpr uint16_t kCmdFlagPayloadLen = 1 << 5;  // extended headers only

// Simple reply: magic | error | cookie; a successful READ's data follows.
constexpr uint32_t kSimpleReplyMagic = 0x67446698;
struct SimpleReply {
  uint32_t magic = kSimpleReplyMagic;  // kSimpleReplyMagic
  uint32_t error = 0;                  // NBD_E* (0 = success)
  uint64_t cookie = 0;                 // from the request
};
constexpr size_t kSimpleReplySize = 4 + 4 + 8;
static_assert(kSimpleReplySize == 2 * sizeof(uint32_t) + sizeof(uint64_t));

// Structured reply chunk header; `length` bytes of payload follow.
constexpr uint32_t kStructuredReplyMagic = 0x668e33ef;
struct StructuredReplyHeader {
  uint32_t magic = kStructuredReplyMagic;  // kStructuredReplyMagic
  uint16_t flags = 0;                      // kReplyFlagDone on the last chunk
  uint16_t type = 0;                       // NBD_REPLY_TYPE_*
  uint64_t cookie = 0;                     // from the request
  uint32_t length = 0;                     // payload bytes that follow
};
constexpr size_t kStructuredReplyHeaderSize = 4 + 2 + 2 + 8 + 4;
static_assert(kStructuredReplyHeaderSize ==
              2 * sizeof(uint32_t) + 2 * sizeof(uint16_t) + sizeof(uint64_t));

constexpr uint16_t kReplyFlagDone = 1 << 0;

// Structured reply chunk types (NBD_REPLY_TYPE_*).
constexpr uint16_t kReplyTypeNone = 0;                     // no payload
constexpr uint16_t kReplyTypeOffsetData = 1;               // u64 offset | data
constexpr uint16_t kReplyTypeOffsetHole = 2;               // u64 offset | u32 hole size
constexpr uint16_t kReplyTypeError = (1 << 15) | 1;        // u32 error | u16 len | msg
constexpr uint16_t kReplyTypeErrorOffset = (1 << 15) | 2;  // ... | u64 offset
constexpr size_t kOffsetDataPrefixSize = 8;
constexpr size_t kErrorChunkPrefixSize = 4 + 2;

// Error values on the wire (NBD_E*); see errors.h for the errno mapping.
constexpr uint32_t kEPerm = 1;
constexpr uint32_t kEIo = 5;
constexpr uint32_t kENoMem = 12;
constexpr uint32_t kEInval = 22;
constexpr uint32_t kENoSpc = 28;
constexpr uint32_t kEOverflow = 75;
constexpr uint32_t kENotSup = 95;
constexpr uint32_t kEShutdown = 108;

// ---- Codecs ----------------------------------------------------------------
// Encoders append to `out`. Decoders take exactly the fixed-size input (a
// shorter or longer span is a bug in the caller and returns false).

// Appends the server greeting with `handshake_flags`.
void EncodeGreeting(std::string* out, uint16_t handshake_flags);

void EncodeOptionHeader(std::string* out, const OptionHeader& h);
bool DecodeOptionHeader(std::string_view in, OptionHeader* h);

void EncodeOptionReplyHeader(std::string* out, const OptionReplyHeader& h);
bool DecodeOptionReplyHeader(std::string_view in, OptionReplyHeader* h);
// A whole option reply: header with length = data.size(), then data.
void EncodeOptionReply(std::string* out, uint32_t option, uint32_t type, std::string_view data);

void EncodeRequestHeader(std::string* out, const RequestHeader& h);
bool DecodeRequestHeader(std::string_view in, RequestHeader* h);

void EncodeSimpleReply(std::string* out, const SimpleReply& r);
bool DecodeSimpleReply(std::string_view in, SimpleReply* r);

void EncodeStructuredReplyHeader(std::string* out, const StructuredReplyHeader& h);
bool DecodeStructuredReplyHeader(std::string_view in, StructuredReplyHeader* h);

// Printable names for logs ("NBD_CMD_READ", "NBD_OPT_GO"; unknown values
// as "NBD_CMD_<n>").
std::string CommandName(uint16_t type);
std::string OptionName(uint32_t option);

}  // namespace zerofs::nbd
