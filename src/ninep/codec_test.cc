#include "ninep/codec.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "base/coding.h"

namespace zerofs::ninep {
namespace {

const Qid kQid{kQidTypeDir, 7, 0x0102030405060708ull};

std::vector<TMessage> AllRequests() {
  static const std::string kData = "hello, 9p";
  return {
      Tversion{1u << 20, "9P2000.L"},
      Tauth{5, "alice", "", 1000},
      Tattach{1, kNoFid, "alice", "/", 1000},
      Tflush{17},
      Twalk{1, 2, {"a", "b", "c"}},
      Twalk{1, 1, {}},
      Tread{3, 1ull << 40, 65536},
      Twrite{3, 12, kData},
      Tclunk{3},
      Tremove{4},
      Tstatfs{1},
      Tlopen{3, kOpenRdwr | kOpenTrunc},
      Tlcreate{3, "new", kOpenCreate | kOpenWronly, 0644, 100},
      Tsymlink{1, "ln", "../target", 100},
      Tmknod{1, "fifo", 010644, 0, 0, 100},
      Trename{3, 1, "moved"},
      Treadlink{5},
      Tgetattr{3, kGetattrAll},
      Tsetattr{3, kSetattrMode | kSetattrSize, 0600, 1, 2, 4096, 10, 11, 12, 13},
      Txattrwalk{3, 9, "user.x"},
      Txattrcreate{3, "user.y", 5, 1},
      Treaddir{3, 2, 8192},
      Tfsync{3, 1},
      Tlock{3, kLockTypeWrite, kLockFlagBlock, 10, 20, 4242, "client"},
      Tgetlock{3, kLockTypeRead, 0, 0, 4242, "client"},
      Tlink{1, 3, "hard"},
      Tmkdir{1, "dir", 0755, 100},
      Trenameat{1, "old", 2, "new"},
      Tunlinkat{1, "gone", kAtRemoveDir},
      Treaddirplus{3, 2, 8192},
      Tsetattrplus{{3, kSetattrMode | kSetattrMtime, 0600, 1, 2, 4096, 10, 11, 12, 13}},
      Trenameat2{1, "old", 2, "new", kRenameExchange},
      Tunlinkatplus{{1, "gone", kAtRemoveDir}},
      Tsession{std::string(kSessionKeySize, '\x5a')},
      Treclaim{1, 2, 0x0102030405060708ull},
  };
}

std::vector<RMessage> AllResponses() {
  static const std::string kData = "file bytes";
  std::string dirents;
  AppendDirent(&dirents, Dirent{kQid, 3, 4, "sub"});
  std::string plus;
  AppendDirentPlus(&plus, DirentPlus{Dirent{kQid, 3, 4, "sub"}, Rgetattr{kGetattrBasic, kQid}});
  return {
      Rlerror{ENOENT},
      Rversion{8192, "9P2000.L"},
      Rauth{kQid},
      Rattach{kQid},
      Rflush{},
      Rwalk{{kQid, kQid}},
      Rread{kData},
      Rwrite{10},
      Rclunk{},
      Rremove{},
      Rstatfs{kV9fsMagic, 4096, 1, 2, 3, 4, 5, 6, 255},
      Rlopen{kQid, 8168},
      Rlcreate{kQid, 8168},
      Rsymlink{kQid},
      Rmknod{kQid},
      Rrename{},
      Rreadlink{"../target"},
      Rgetattr{kGetattrBasic,
               kQid,
               0100644,
               1,
               2,
               3,
               4,
               5,
               4096,
               8,
               9,
               10,
               11,
               12,
               13,
               14,
               15,
               16,
               17,
               18},
      Rsetattr{},
      Rxattrwalk{12},
      Rxattrcreate{},
      Rreaddir{dirents},
      Rfsync{},
      Rlock{kLockBlocked},
      Rgetlock{kLockTypeWrite, 1, 2, 3, "holder"},
      Rlink{},
      Rmkdir{kQid},
      Rrenameat{},
      Runlinkat{},
      Rreaddirplus{plus},
      Rsetattrplus{Rgetattr{kGetattrBasic, kQid, 0100600, 1, 2, 3, 4, 5, 4096, 8, 9, 10}},
      Rrenameat2{Rgetattr{kGetattrBasic, kQid, 040755, 1, 2, 3, 4, 5, 4096, 8, 9, 10},
                 Rgetattr{kGetattrBasic, kQid, 040700, 1, 2, 4, 4, 5, 4096, 8, 9, 11}},
      Runlinkatplus{Rgetattr{kGetattrBasic, kQid, 040755, 1, 2, 3, 4, 5, 4096, 8, 9, 10}},
      Rsession{},
      Rreclaim{kQid},
  };
}

// Rewrites the size field after editing a frame.
void FixSize(std::string* frame) {
  std::string size;
  PutLE32(&size, static_cast<uint32_t>(frame->size()));
  frame->replace(0, 4, size);
}

TEST(CodecTest, EveryRequestRoundTrips) {
  for (const auto& msg : AllRequests()) {
    std::string frame = EncodeRequest(99, msg);
    auto h = ParseHeader(frame);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->type, static_cast<uint8_t>(TypeOf(msg)));
    EXPECT_EQ(h->tag, 99);
    auto decoded = DecodeRequest(frame);
    ASSERT_TRUE(decoded.ok()) << MsgTypeName(h->type) << ": " << decoded.error().ToString();
    EXPECT_EQ(decoded->tag, 99);
    EXPECT_TRUE(decoded->msg == msg) << MsgTypeName(h->type);
  }
}

TEST(CodecTest, EveryResponseRoundTrips) {
  for (const auto& msg : AllResponses()) {
    std::string frame = EncodeResponse(7, msg);
    auto decoded = DecodeResponse(frame);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->tag, 7);
    EXPECT_TRUE(decoded->msg == msg) << MsgTypeName(static_cast<uint8_t>(TypeOf(msg)));
  }
}

TEST(CodecTest, KnownWireBytes) {
  // Tversion tag NOTAG msize 8192 "9P2000.L", byte for byte (little-endian).
  std::string frame = EncodeRequest(kNoTag, Tversion{8192, "9P2000.L"});
  const std::string expected(
      "\x15\x00\x00\x00\x64\xff\xff\x00\x20\x00\x00\x08\x00"
      "9P2000.L",
      21);
  EXPECT_EQ(frame, expected);
  EXPECT_EQ(EncodeResponse(1, Rgetattr{}).size(), kHeaderSize + kRgetattrBodySize);
  EXPECT_EQ(EncodeResponse(1, Rstatfs{}).size(), kHeaderSize + kRstatfsBodySize);
  EXPECT_EQ(EncodeRequest(1, Tsetattr{}).size(), kHeaderSize + kTsetattrBodySize);
  EXPECT_EQ(EncodeResponse(1, Rattach{}).size(), kHeaderSize + kQidSize);
}

TEST(CodecTest, ShortFrameIsEproto) {
  for (size_t n = 0; n < kHeaderSize; n++) {
    auto r = DecodeRequest(std::string(n, '\0'));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().sys_errno(), EPROTO);
  }
}

TEST(CodecTest, SizeFieldMismatchIsEproto) {
  std::string frame = EncodeRequest(1, Tclunk{3});
  frame.push_back('\0');  // size field now one short
  EXPECT_EQ(DecodeRequest(frame).error().sys_errno(), EPROTO);
  EXPECT_FALSE(ParseHeader(frame).has_value());
}

TEST(CodecTest, UnknownAndWrongDirectionTypesAreEopnotsupp) {
  std::string frame = EncodeRequest(1, Tclunk{3});
  for (uint8_t type : {0, 6, 7, 101, 112, 124, 126, 200, 255}) {
    frame[4] = static_cast<char>(type);
    auto r = DecodeRequest(frame);
    ASSERT_FALSE(r.ok()) << int(type);
    EXPECT_EQ(r.error().sys_errno(), EOPNOTSUPP) << int(type);
  }
  // A T-message handed to the response decoder.
  EXPECT_EQ(DecodeResponse(EncodeRequest(1, Tclunk{3})).error().sys_errno(), EOPNOTSUPP);
}

TEST(CodecTest, EveryTruncationOfEveryRequestIsEinval) {
  for (const auto& msg : AllRequests()) {
    std::string frame = EncodeRequest(1, msg);
    bool optional_tail = std::holds_alternative<Tfsync>(msg);
    for (size_t cut = kHeaderSize; cut < frame.size(); cut++) {
      std::string t = frame.substr(0, cut);
      FixSize(&t);
      auto r = DecodeRequest(t);
      if (optional_tail && cut == frame.size() - 4) {
        EXPECT_TRUE(r.ok()) << "Tfsync without datasync";
        continue;
      }
      ASSERT_FALSE(r.ok()) << MsgTypeName(static_cast<uint8_t>(TypeOf(msg))) << " cut " << cut;
      EXPECT_EQ(r.error().sys_errno(), EINVAL);
    }
  }
}

TEST(CodecTest, EveryTruncationOfEveryResponseIsEinval) {
  for (const auto& msg : AllResponses()) {
    std::string frame = EncodeResponse(1, msg);
    for (size_t cut = kHeaderSize; cut < frame.size(); cut++) {
      std::string t = frame.substr(0, cut);
      FixSize(&t);
      auto r = DecodeResponse(t);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().sys_errno(), EINVAL);
    }
  }
}

TEST(CodecTest, TrailingBytesAreEinval) {
  for (const auto& msg : AllRequests()) {
    std::string frame = EncodeRequest(1, msg);
    frame += std::string(5, 'x');  // 5: not a whole optional u32 either
    FixSize(&frame);
    auto r = DecodeRequest(frame);
    ASSERT_FALSE(r.ok()) << MsgTypeName(static_cast<uint8_t>(TypeOf(msg)));
    EXPECT_EQ(r.error().sys_errno(), EINVAL);
  }
}

TEST(CodecTest, WalkOfSeventeenNamesIsEinval) {
  std::vector<std::string> names(kMaxWalkElements, "d");
  EXPECT_TRUE(DecodeRequest(EncodeRequest(1, Twalk{1, 2, names})).ok());
  names.push_back("d");
  auto r = DecodeRequest(EncodeRequest(1, Twalk{1, 2, names}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno(), EINVAL);
}

TEST(CodecTest, ForgedCountsAndLengthsAreEinval) {
  // nwname = 65535 with no names behind it.
  std::string frame = EncodeRequest(1, Twalk{1, 2, {}});
  frame[kHeaderSize + 8] = '\xff';
  frame[kHeaderSize + 9] = '\xff';
  EXPECT_EQ(DecodeRequest(frame).error().sys_errno(), EINVAL);
  // A string length that runs past the frame.
  frame = EncodeRequest(1, Tunlinkat{1, "abc", 0});
  frame[kHeaderSize + 4] = '\x40';
  EXPECT_EQ(DecodeRequest(frame).error().sys_errno(), EINVAL);
  // Twrite count larger than the data.
  frame = EncodeRequest(1, Twrite{1, 0, "abc"});
  frame[kHeaderSize + 12] = '\x04';
  EXPECT_EQ(DecodeRequest(frame).error().sys_errno(), EINVAL);
  // Twrite count 2^32-1.
  for (int i = 0; i < 4; i++) frame[kHeaderSize + 12 + i] = '\xff';
  EXPECT_EQ(DecodeRequest(frame).error().sys_errno(), EINVAL);
}

TEST(CodecTest, TfsyncWithoutDatasyncDecodesAsZero) {
  std::string frame = EncodeRequest(4, Tfsync{9, 1});
  frame.resize(frame.size() - 4);
  FixSize(&frame);
  auto r = DecodeRequest(frame);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Tfsync>(r->msg), (Tfsync{9, 0}));
}

TEST(CodecTest, WriteDataIsAViewIntoTheFrame) {
  std::string frame = EncodeRequest(1, Twrite{1, 0, "payload"});
  auto r = DecodeRequest(frame);
  ASSERT_TRUE(r.ok());
  std::string_view data = std::get<Twrite>(r->msg).data;
  EXPECT_EQ(data, "payload");
  EXPECT_GE(data.data(), frame.data());
  EXPECT_LE(data.data() + data.size(), frame.data() + frame.size());
}

TEST(CodecTest, DirentsRoundTripAndTruncationIsEinval) {
  std::vector<Dirent> in = {{kQid, 1, 4, "."}, {kQid, 2, 4, ".."}, {Qid{}, 3, 8, "file"}};
  std::string data;
  for (const auto& d : in) AppendDirent(&data, d);
  EXPECT_EQ(data.size(), DirentSize(".") + DirentSize("..") + DirentSize("file"));
  auto out = ParseDirents(data);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
  for (size_t cut = 1; cut < DirentSize("file"); cut++) {
    auto r = ParseDirents(std::string_view(data).substr(0, data.size() - cut));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().sys_errno(), EINVAL);
  }
  EXPECT_TRUE(ParseDirents("").ok());
}

TEST(CodecTest, DirentsPlusRoundTripAndTruncationIsEinval) {
  Rgetattr attr{kGetattrBasic, kQid, 0100644, 1, 2, 3, 4, 5, 4096, 8, 9, 10, 11, 12, 13};
  std::vector<DirentPlus> in = {
      {{kQid, 1, 4, "."}, attr}, {{Qid{}, 2, 8, "gone"}, Rgetattr{}}, {{kQid, 3, 8, "file"}, attr}};
  std::string data;
  for (const auto& e : in) AppendDirentPlus(&data, e);
  EXPECT_EQ(data.size(), DirentPlusSize(".") + DirentPlusSize("gone") + DirentPlusSize("file"));
  // The attributes are an Rgetattr body, byte for byte.
  std::string frame = EncodeResponse(1, attr);
  EXPECT_EQ(data.substr(DirentSize("."), kGetattrBodySize), frame.substr(kHeaderSize));
  auto out = ParseDirentsPlus(data);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
  for (size_t cut = 1; cut < DirentPlusSize("file"); cut++) {
    auto r = ParseDirentsPlus(std::string_view(data).substr(0, data.size() - cut));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().sys_errno(), EINVAL);
  }
  EXPECT_TRUE(ParseDirentsPlus("").ok());
}

TEST(CodecTest, LongStringsAreCutToTheWireLimit) {
  std::string big(70000, 'n');
  auto r = DecodeRequest(EncodeRequest(1, Tunlinkat{1, big, 0}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Tunlinkat>(r->msg).name.size(), 0xFFFFu);
}

TEST(CodecTest, FrameSizeBounds) {
  EXPECT_FALSE(FrameSizeOk(0, 8192));
  EXPECT_FALSE(FrameSizeOk(6, 8192));
  EXPECT_TRUE(FrameSizeOk(7, 8192));
  EXPECT_TRUE(FrameSizeOk(8192, 8192));
  EXPECT_FALSE(FrameSizeOk(8193, 8192));
}

TEST(CodecTest, TypeNames) {
  EXPECT_STREQ(MsgTypeName(static_cast<uint8_t>(MsgType::kTlopen)), "Tlopen");
  EXPECT_STREQ(MsgTypeName(static_cast<uint8_t>(MsgType::kRgetattr)), "Rgetattr");
  EXPECT_STREQ(MsgTypeName(3), "unknown");
}

}  // namespace
}  // namespace zerofs::ninep
