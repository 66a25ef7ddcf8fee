// 9P2000.L wire constants. Byte order: every integer on the wire is
// LITTLE-ENDIAN. A message is
//
//   size[4] type[1] tag[2] body[size - 7]
//
// where size counts the whole message including itself. Strings are s[2]:
// a LE16 length and that many bytes (no NUL). A qid is type[1] version[4]
// path[8]. Bodies of each message are in messages.h, in wire order; the
// codec (codec.h) checks every length against the received frame.
//
// Protocol references: the 9P2000 manual (intro(5), version(5), walk(5),
// flush(5)) and the 9P2000.L additions documented with the Linux v9fs client.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zerofs::ninep {

// ---- Framing ---------------------------------------------------------------

constexpr size_t kSizeFieldSize = 4;
constexpr size_t kHeaderSize = 4 + 1 + 2;  // size[4] type[1] tag[2]
static_assert(kHeaderSize == 7);

constexpr uint16_t kNoTag = 0xFFFF;      // Tversion's tag
constexpr uint32_t kNoFid = 0xFFFFFFFF;  // "no afid" in Tattach
constexpr uint32_t kNoUname = 0xFFFFFFFF;

constexpr const char kVersion9P2000L[] = "9P2000.L";
constexpr const char kVersionUnknown[] = "unknown";
// 9P2000.L plus a promise of zerofs servers (docs/protocol/9p2000l.md,
// "Pipelining"): a Twalk to a new fid is done before any later request of
// the connection is read, so a client may send requests on that fid
// without waiting for Rwalk. Granted by answering Tversion with this name.
constexpr const char kVersion9P2000LZerofs[] = "9P2000.L.zerofs";

// Walks name at most this many elements per message (walk(5)).
constexpr size_t kMaxWalkElements = 16;
// Tsession keys are this many bytes.
constexpr size_t kSessionKeySize = 16;

// Room taken by the headers of Rread (size tag type count[4]) and Twrite
// (... fid[4] offset[8] count[4]); iounit = msize - kIoHeaderSize.
constexpr uint32_t kIoHeaderSize = 24;
static_assert(kIoHeaderSize >= kHeaderSize + 4 + 8 + 4);

// ---- Message types (frozen protocol numbers) ---------------------------------

enum class MsgType : uint8_t {
  kTlerror = 6,  // never valid: servers only send Rlerror
  kRlerror = 7,
  kTstatfs = 8,
  kRstatfs = 9,
  kTlopen = 12,
  kRlopen = 13,
  kTlcreate = 14,
  kRlcreate = 15,
  kTsymlink = 16,
  kRsymlink = 17,
  kTmknod = 18,
  kRmknod = 19,
  kTrename = 20,
  kRrename = 21,
  kTreadlink = 22,
  kRreadlink = 23,
  kTgetattr = 24,
  kRgetattr = 25,
  kTsetattr = 26,
  kRsetattr = 27,
  kTxattrwalk = 30,
  kRxattrwalk = 31,
  kTxattrcreate = 32,
  kRxattrcreate = 33,
  kTreaddir = 40,
  kRreaddir = 41,
  kTfsync = 50,
  kRfsync = 51,
  kTlock = 52,
  kRlock = 53,
  kTgetlock = 54,
  kRgetlock = 55,
  kTlink = 70,
  kRlink = 71,
  kTmkdir = 72,
  kRmkdir = 73,
  kTrenameat = 74,
  kRrenameat = 75,
  kTunlinkat = 76,
  kRunlinkat = 77,
  kTversion = 100,
  kRversion = 101,
  kTauth = 102,
  kRauth = 103,
  kTattach = 104,
  kRattach = 105,
  kTflush = 108,
  kRflush = 109,
  kTwalk = 110,
  kRwalk = 111,
  kTread = 116,
  kRread = 117,
  kTwrite = 118,
  kRwrite = 119,
  kTclunk = 120,
  kRclunk = 121,
  kTremove = 122,
  kRremove = 123,
  // zerofs extensions (docs/protocol/9p2000l.md), numbers outside
  // 9P2000.L's range. Treaddir whose entries carry their attributes:
  kTreaddirplus = 150,
  kRreaddirplus = 151,
  // zerofs extension: Tsetattr answered with the attributes after the change.
  kTsetattrplus = 152,
  kRsetattrplus = 153,
  // zerofs extension: Trenameat with renameat2(2) flags.
  kTrenameat2 = 154,
  kRrenameat2 = 155,
  // zerofs extension: Tunlinkat answered with the directory's attributes after it.
  kTunlinkatplus = 156,
  kRunlinkatplus = 157,
  // zerofs extension: names the client session (a key that outlives the
  // connection), so files it had open survive a reconnect.
  kTsession = 158,
  kRsession = 159,
  // zerofs extension: a fid for an unlinked file the session had open.
  kTreclaim = 160,
  kRreclaim = 161,
};

// "Tlopen", "Rgetattr", ... or "unknown" for logs.
const char* MsgTypeName(uint8_t type);

// ---- Qid -------------------------------------------------------------------

constexpr size_t kQidSize = 1 + 4 + 8;  // type[1] version[4] path[8]
static_assert(kQidSize == 13);

constexpr uint8_t kQidTypeDir = 0x80;
constexpr uint8_t kQidTypeSymlink = 0x02;
constexpr uint8_t kQidTypeFile = 0x00;

// ---- Tgetattr request_mask / Rgetattr valid ----------------------------------

constexpr uint64_t kGetattrMode = 0x00000001;
constexpr uint64_t kGetattrNlink = 0x00000002;
constexpr uint64_t kGetattrUid = 0x00000004;
constexpr uint64_t kGetattrGid = 0x00000008;
constexpr uint64_t kGetattrRdev = 0x00000010;
constexpr uint64_t kGetattrAtime = 0x00000020;
constexpr uint64_t kGetattrMtime = 0x00000040;
constexpr uint64_t kGetattrCtime = 0x00000080;
constexpr uint64_t kGetattrIno = 0x00000100;
constexpr uint64_t kGetattrSize = 0x00000200;
constexpr uint64_t kGetattrBlocks = 0x00000400;
constexpr uint64_t kGetattrBasic = 0x000007ff;
constexpr uint64_t kGetattrBtime = 0x00000800;
constexpr uint64_t kGetattrGen = 0x00001000;
constexpr uint64_t kGetattrDataVersion = 0x00002000;
constexpr uint64_t kGetattrAll = 0x00003fff;

// Rgetattr body: valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8]
// size[8] blksize[8] blocks[8] {a,m,c,b}time sec[8] nsec[8] gen[8]
// data_version[8].
constexpr size_t kRgetattrBodySize = 8 + kQidSize + 4 * 3 + 8 * 5 + 8 * 8 + 8 + 8;
static_assert(kRgetattrBodySize == 153);

// ---- Tsetattr valid ----------------------------------------------------------

constexpr uint32_t kSetattrMode = 0x001;
constexpr uint32_t kSetattrUid = 0x002;
constexpr uint32_t kSetattrGid = 0x004;
constexpr uint32_t kSetattrSize = 0x008;
constexpr uint32_t kSetattrAtime = 0x010;
constexpr uint32_t kSetattrMtime = 0x020;
constexpr uint32_t kSetattrCtime = 0x040;
constexpr uint32_t kSetattrAtimeSet = 0x080;  // atime from the message, else now
constexpr uint32_t kSetattrMtimeSet = 0x100;  // mtime from the message, else now

// Tsetattr body: fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime[8+8]
// mtime[8+8].
constexpr size_t kTsetattrBodySize = 4 * 5 + 8 + 8 * 4;
static_assert(kTsetattrBodySize == 60);

// ---- Tlopen / Tlcreate flags (Linux open(2) values, as 9P2000.L sends) --------

constexpr uint32_t kOpenAccessMask = 00000003;
constexpr uint32_t kOpenRdonly = 00000000;
constexpr uint32_t kOpenWronly = 00000001;
constexpr uint32_t kOpenRdwr = 00000002;
constexpr uint32_t kOpenNoAccess = 00000003;
constexpr uint32_t kOpenCreate = 00000100;
constexpr uint32_t kOpenExcl = 00000200;
constexpr uint32_t kOpenTrunc = 00001000;
constexpr uint32_t kOpenAppend = 00002000;
constexpr uint32_t kOpenDirectory = 00200000;

// ---- Tunlinkat flags ---------------------------------------------------------

constexpr uint32_t kAtRemoveDir = 0x200;  // AT_REMOVEDIR

// ---- Trenameat2 flags (Linux renameat2 values) -----------------------------------

constexpr uint32_t kRenameNoReplace = 1;  // RENAME_NOREPLACE
constexpr uint32_t kRenameExchange = 2;   // RENAME_EXCHANGE

// ---- Tlock / Tgetlock ----------------------------------------------------------

constexpr uint8_t kLockTypeRead = 0;
constexpr uint8_t kLockTypeWrite = 1;
constexpr uint8_t kLockTypeUnlock = 2;

constexpr uint32_t kLockFlagBlock = 1;    // the client retries on BLOCKED
constexpr uint32_t kLockFlagReclaim = 2;  // reclaim after a server restart

constexpr uint8_t kLockSuccess = 0;
constexpr uint8_t kLockBlocked = 1;
constexpr uint8_t kLockError = 2;
constexpr uint8_t kLockGrace = 3;

// ---- Rstatfs -----------------------------------------------------------------

constexpr uint32_t kV9fsMagic = 0x01021997;  // f_type reported by Rstatfs
// Rstatfs body: type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8]
// ffree[8] fsid[8] namelen[4].
constexpr size_t kRstatfsBodySize = 4 + 4 + 8 * 6 + 4;
static_assert(kRstatfsBodySize == 60);

// ---- Rreaddir ----------------------------------------------------------------

// A directory entry in Rreaddir data: qid[13] offset[8] type[1] name[s].
constexpr size_t kDirentFixedSize = kQidSize + 8 + 1 + 2;
static_assert(kDirentFixedSize == 24);

// Rgetattr body: valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8]
// size[8] blksize[8] blocks[8], then atime, mtime, ctime, btime (sec[8]
// nsec[8] each), gen[8] data_version[8]. Rreaddirplus data carries one after
// each dirent.
constexpr size_t kGetattrBodySize = 8 + kQidSize + 4 * 3 + 8 * 5 + 16 * 4 + 8 * 2;
static_assert(kGetattrBodySize == 153);

}  // namespace zerofs::ninep
