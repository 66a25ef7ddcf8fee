#include "ninep/placement.h"

#include "base/coding.h"
#include "ninep/wire.h"

namespace zerofs::ninep {

namespace {

// Twalk: size[4] type[1] tag[2] fid[4] newfid[4] ...
constexpr size_t kWalkFidOffset = kHeaderSize;
constexpr size_t kWalkNewfidOffset = kHeaderSize + 4;

}  // namespace

Placement Place(std::string_view frame) {
  if (frame.size() < kHeaderSize) return Placement::kInline;  // answered with an error
  switch (static_cast<MsgType>(static_cast<uint8_t>(frame[4]))) {
    case MsgType::kTstatfs:
    case MsgType::kTgetattr:
    case MsgType::kTlock:
    case MsgType::kTgetlock:
    case MsgType::kTxattrcreate:
    case MsgType::kTauth:
      return Placement::kInline;
    case MsgType::kTwalk:
      // Walking a fid onto itself drops the old Fid, which may hold the last
      // open reference (its release may commit).
      if (frame.size() >= kWalkNewfidOffset + 4 &&
          LoadLE32(frame.data() + kWalkFidOffset) == LoadLE32(frame.data() + kWalkNewfidOffset)) {
        return Placement::kInlineIfIdle;
      }
      return Placement::kInline;
    case MsgType::kTread:
    case MsgType::kTclunk:
      return Placement::kTryInline;
    case MsgType::kTlopen:
    case MsgType::kTlcreate:
    case MsgType::kTsymlink:
    case MsgType::kTmknod:
    case MsgType::kTrename:
    case MsgType::kTreadlink:
    case MsgType::kTsetattr:
    case MsgType::kTsetattrplus:
    case MsgType::kTxattrwalk:
    case MsgType::kTlink:
    case MsgType::kTmkdir:
    case MsgType::kTrenameat:
    case MsgType::kTrenameat2:
    case MsgType::kTunlinkat:
    case MsgType::kTunlinkatplus:
    case MsgType::kTremove:
    case MsgType::kTreclaim:
      return Placement::kInlineIfIdle;
    case MsgType::kTattach:
    case MsgType::kTwrite:
    case MsgType::kTfsync:
    case MsgType::kTreaddir:
    case MsgType::kTreaddirplus:
      return Placement::kWorker;
    default:
      return Placement::kInline;  // unknown or R-types: Rlerror
  }
}

}  // namespace zerofs::ninep
