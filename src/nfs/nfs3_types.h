// NFS version 3 protocol constants (RFC 1813). Wire values are frozen.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zerofs::nfs {

constexpr uint32_t kNfsVersion3 = 3;
constexpr uint32_t kMountVersion3 = 3;
constexpr uint32_t kPortmapVersion2 = 2;
constexpr uint32_t kIpProtoTcp = 6;
constexpr uint32_t kIpProtoUdp = 17;

constexpr size_t kNfs3FhSize = 64;  // NFS3_FHSIZE
constexpr size_t kCookieVerfSize = 8;
constexpr size_t kCreateVerfSize = 8;
constexpr size_t kWriteVerfSize = 8;
// Decoder limits for strings; the fs core answers ENAMETOOLONG for names
// over name_max and symlink targets over kMaxSymlinkTarget.
constexpr size_t kMaxNameDecode = 1024;
constexpr size_t kMaxPathDecode = 8192;

// Transfer sizes advertised by FSINFO.
constexpr uint32_t kMaxTransfer = 1u << 20;
constexpr uint32_t kTransferMultiple = 4096;

enum class Nfs3Proc : uint32_t {
  kNull = 0,
  kGetattr = 1,
  kSetattr = 2,
  kLookup = 3,
  kAccess = 4,
  kReadlink = 5,
  kRead = 6,
  kWrite = 7,
  kCreate = 8,
  kMkdir = 9,
  kSymlink = 10,
  kMknod = 11,
  kRemove = 12,
  kRmdir = 13,
  kRename = 14,
  kLink = 15,
  kReaddir = 16,
  kReaddirplus = 17,
  kFsstat = 18,
  kFsinfo = 19,
  kPathconf = 20,
  kCommit = 21,
};
constexpr uint32_t kNfs3ProcCount = 22;

enum class Nfsstat3 : uint32_t {
  kOk = 0,
  kPerm = 1,
  kNoent = 2,
  kIo = 5,
  kNxio = 6,
  kAcces = 13,
  kExist = 17,
  kXdev = 18,
  kNodev = 19,
  kNotdir = 20,
  kIsdir = 21,
  kInval = 22,
  kFbig = 27,
  kNospc = 28,
  kRofs = 30,
  kMlink = 31,
  kNametoolong = 63,
  kNotempty = 66,
  kDquot = 69,
  kStale = 70,
  kRemote = 71,
  kBadhandle = 10001,
  kNotSync = 10002,
  kBadCookie = 10003,
  kNotsupp = 10004,
  kToosmall = 10005,
  kServerfault = 10006,
  kBadtype = 10007,
  kJukebox = 10008,
};

enum class Ftype3 : uint32_t {
  kReg = 1,
  kDir = 2,
  kBlk = 3,
  kChr = 4,
  kLnk = 5,
  kSock = 6,
  kFifo = 7,
};

enum class StableHow : uint32_t { kUnstable = 0, kDataSync = 1, kFileSync = 2 };

enum class CreateMode : uint32_t { kUnchecked = 0, kGuarded = 1, kExclusive = 2 };

enum class TimeHow : uint32_t { kDontChange = 0, kServerTime = 1, kClientTime = 2 };

// ACCESS3 bits.
constexpr uint32_t kAccess3Read = 0x01;
constexpr uint32_t kAccess3Lookup = 0x02;
constexpr uint32_t kAccess3Modify = 0x04;
constexpr uint32_t kAccess3Extend = 0x08;
constexpr uint32_t kAccess3Delete = 0x10;
constexpr uint32_t kAccess3Execute = 0x20;

// FSINFO properties.
constexpr uint32_t kFsfLink = 0x01;
constexpr uint32_t kFsfSymlink = 0x02;
constexpr uint32_t kFsfHomogeneous = 0x08;
constexpr uint32_t kFsfCanSetTime = 0x10;

// MOUNT v3 procedures and status.
enum class MountProc : uint32_t {
  kNull = 0,
  kMnt = 1,
  kDump = 2,
  kUmnt = 3,
  kUmntall = 4,
  kExport = 5,
};
enum class Mountstat3 : uint32_t {
  kOk = 0,
  kPerm = 1,
  kNoent = 2,
  kIo = 5,
  kAcces = 13,
  kNotdir = 20,
  kInval = 22,
  kNametoolong = 63,
  kNotsupp = 10004,
  kServerfault = 10006,
};
constexpr size_t kMountPathLen = 1024;  // MNTPATHLEN
constexpr size_t kMountNameLen = 255;   // MNTNAMLEN

// Portmapper v2 procedures.
enum class PortmapProc : uint32_t {
  kNull = 0,
  kSet = 1,
  kUnset = 2,
  kGetport = 3,
  kDump = 4,
  kCallit = 5,
};

}  // namespace zerofs::nfs
