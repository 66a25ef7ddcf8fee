// 9P2000.L message bodies as C++ structs, fields in wire order (see wire.h
// for framing and byte order). Each struct names its type number in kType.
// T-messages are what clients send, R-messages what servers answer.
//
// Lifetime: Twrite::data and Rread::data are string_views into the frame they
// were decoded from (to avoid copying megabytes); everything else owns its
// bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ninep/wire.h"

namespace zerofs::ninep {

struct Qid {
  uint8_t type = 0;
  uint32_t version = 0;
  uint64_t path = 0;
  friend bool operator==(const Qid&, const Qid&) = default;
};

// A message whose body is empty.
template <MsgType T>
struct Empty {
  static constexpr MsgType kType = T;
  friend bool operator==(const Empty&, const Empty&) = default;
};

#define ZFS_9P_MSG(name)                             \
  static constexpr MsgType kType = MsgType::k##name; \
  friend bool operator==(const name&, const name&) = default

// ---- T-messages ----------------------------------------------------------------

struct Tversion {
  uint32_t msize = 0;
  std::string version;
  ZFS_9P_MSG(Tversion);
};
struct Tauth {
  uint32_t afid = 0;
  std::string uname, aname;
  uint32_t n_uname = kNoUname;
  ZFS_9P_MSG(Tauth);
};
struct Tattach {
  uint32_t fid = 0, afid = kNoFid;
  std::string uname, aname;
  uint32_t n_uname = kNoUname;
  ZFS_9P_MSG(Tattach);
};
struct Tflush {
  uint16_t oldtag = 0;
  ZFS_9P_MSG(Tflush);
};
struct Twalk {
  uint32_t fid = 0, newfid = 0;
  std::vector<std::string> names;  // at most kMaxWalkElements
  ZFS_9P_MSG(Twalk);
};
struct Tread {
  uint32_t fid = 0;
  uint64_t offset = 0;
  uint32_t count = 0;
  ZFS_9P_MSG(Tread);
};
struct Twrite {
  uint32_t fid = 0;
  uint64_t offset = 0;
  std::string_view data;  // count[4] data[count]
  ZFS_9P_MSG(Twrite);
};
struct Tclunk {
  uint32_t fid = 0;
  ZFS_9P_MSG(Tclunk);
};
struct Tremove {
  uint32_t fid = 0;
  ZFS_9P_MSG(Tremove);
};
struct Tstatfs {
  uint32_t fid = 0;
  ZFS_9P_MSG(Tstatfs);
};
struct Tlopen {
  uint32_t fid = 0, flags = 0;
  ZFS_9P_MSG(Tlopen);
};
struct Tlcreate {
  uint32_t fid = 0;
  std::string name;
  uint32_t flags = 0, mode = 0, gid = 0;
  ZFS_9P_MSG(Tlcreate);
};
struct Tsymlink {
  uint32_t fid = 0;
  std::string name, target;
  uint32_t gid = 0;
  ZFS_9P_MSG(Tsymlink);
};
struct Tmknod {
  uint32_t dfid = 0;
  std::string name;
  uint32_t mode = 0, major = 0, minor = 0, gid = 0;
  ZFS_9P_MSG(Tmknod);
};
struct Trename {
  uint32_t fid = 0, dfid = 0;
  std::string name;
  ZFS_9P_MSG(Trename);
};
struct Treadlink {
  uint32_t fid = 0;
  ZFS_9P_MSG(Treadlink);
};
struct Tgetattr {
  uint32_t fid = 0;
  uint64_t request_mask = 0;
  ZFS_9P_MSG(Tgetattr);
};
struct Tsetattr {
  uint32_t fid = 0, valid = 0, mode = 0, uid = 0, gid = 0;
  uint64_t size = 0, atime_sec = 0, atime_nsec = 0, mtime_sec = 0, mtime_nsec = 0;
  ZFS_9P_MSG(Tsetattr);
};
struct Txattrwalk {
  uint32_t fid = 0, newfid = 0;
  std::string name;  // empty: list the names
  ZFS_9P_MSG(Txattrwalk);
};
struct Txattrcreate {
  uint32_t fid = 0;
  std::string name;
  uint64_t attr_size = 0;
  uint32_t flags = 0;
  ZFS_9P_MSG(Txattrcreate);
};
struct Treaddir {
  uint32_t fid = 0;
  uint64_t offset = 0;
  uint32_t count = 0;
  ZFS_9P_MSG(Treaddir);
};
// zerofs extension: as Treaddir, each entry followed by its attributes.
struct Treaddirplus {
  uint32_t fid = 0;
  uint64_t offset = 0;
  uint32_t count = 0;
  ZFS_9P_MSG(Treaddirplus);
};
// zerofs extension: a Tsetattr answered with the attributes after it.
struct Tsetattrplus {
  Tsetattr set;
  ZFS_9P_MSG(Tsetattrplus);
};
struct Tfsync {
  uint32_t fid = 0;
  uint32_t datasync = 0;  // absent in old clients: decoded as 0
  ZFS_9P_MSG(Tfsync);
};
struct Tlock {
  uint32_t fid = 0;
  uint8_t type = 0;
  uint32_t flags = 0;
  uint64_t start = 0, length = 0;
  uint32_t proc_id = 0;
  std::string client_id;
  ZFS_9P_MSG(Tlock);
};
struct Tgetlock {
  uint32_t fid = 0;
  uint8_t type = 0;
  uint64_t start = 0, length = 0;
  uint32_t proc_id = 0;
  std::string client_id;
  ZFS_9P_MSG(Tgetlock);
};
struct Tlink {
  uint32_t dfid = 0, fid = 0;
  std::string name;
  ZFS_9P_MSG(Tlink);
};
struct Tmkdir {
  uint32_t dfid = 0;
  std::string name;
  uint32_t mode = 0, gid = 0;
  ZFS_9P_MSG(Tmkdir);
};
struct Trenameat {
  uint32_t olddirfid = 0;
  std::string oldname;
  uint32_t newdirfid = 0;
  std::string newname;
  ZFS_9P_MSG(Trenameat);
};
// zerofs extension: a Trenameat with renameat2(2) flags (0, kRenameNoReplace,
// kRenameExchange), answered with both directories' attributes.
struct Trenameat2 {
  uint32_t olddirfid = 0;
  std::string oldname;
  uint32_t newdirfid = 0;
  std::string newname;
  uint32_t flags = 0;
  ZFS_9P_MSG(Trenameat2);
};
struct Tunlinkat {
  uint32_t dirfid = 0;
  std::string name;
  uint32_t flags = 0;
  ZFS_9P_MSG(Tunlinkat);
};
// zerofs extension: a Tunlinkat answered with the directory's attributes.
struct Tunlinkatplus {
  Tunlinkat unlink;
  ZFS_9P_MSG(Tunlinkatplus);
};
// zerofs extension: the client session's key (kSessionKeySize random
// bytes, the same on every connection of one client), sent once after
// Tversion. Unlinked files the session has open are kept for it for a
// grace period when the connection breaks or the server restarts.
struct Tsession {
  std::string key;
  ZFS_9P_MSG(Tsession);
};
// zerofs extension: makes `newfid` name the unlinked file `path` (a
// qid.path) that this connection's session had open, with the user of
// `fid` (an attached fid). The client then opens it with Tlopen.
struct Treclaim {
  uint32_t fid = 0, newfid = 0;
  uint64_t path = 0;
  ZFS_9P_MSG(Treclaim);
};

using TMessage =
    std::variant<Tversion, Tauth, Tattach, Tflush, Twalk, Tread, Twrite, Tclunk, Tremove, Tstatfs,
                 Tlopen, Tlcreate, Tsymlink, Tmknod, Trename, Treadlink, Tgetattr, Tsetattr,
                 Txattrwalk, Txattrcreate, Treaddir, Tfsync, Tlock, Tgetlock, Tlink, Tmkdir,
                 Trenameat, Tunlinkat, Treaddirplus, Tsetattrplus, Trenameat2, Tunlinkatplus,
                 Tsession, Treclaim>;

// ---- R-messages ----------------------------------------------------------------

struct Rlerror {
  uint32_t ecode = 0;  // a Linux errno
  ZFS_9P_MSG(Rlerror);
};
struct Rversion {
  uint32_t msize = 0;
  std::string version;
  ZFS_9P_MSG(Rversion);
};
struct Rauth {
  Qid aqid;
  ZFS_9P_MSG(Rauth);
};
struct Rattach {
  Qid qid;
  ZFS_9P_MSG(Rattach);
};
struct Rwalk {
  std::vector<Qid> qids;
  ZFS_9P_MSG(Rwalk);
};
struct Rread {
  std::string_view data;  // count[4] data[count]; see top of file on lifetime
  ZFS_9P_MSG(Rread);
};
struct Rwrite {
  uint32_t count = 0;
  ZFS_9P_MSG(Rwrite);
};
struct Rstatfs {
  uint32_t type = 0, bsize = 0;
  uint64_t blocks = 0, bfree = 0, bavail = 0, files = 0, ffree = 0, fsid = 0;
  uint32_t namelen = 0;
  ZFS_9P_MSG(Rstatfs);
};
struct Rlopen {
  Qid qid;
  uint32_t iounit = 0;
  ZFS_9P_MSG(Rlopen);
};
struct Rlcreate {
  Qid qid;
  uint32_t iounit = 0;
  ZFS_9P_MSG(Rlcreate);
};
struct Rsymlink {
  Qid qid;
  ZFS_9P_MSG(Rsymlink);
};
struct Rmknod {
  Qid qid;
  ZFS_9P_MSG(Rmknod);
};
struct Rreadlink {
  std::string target;
  ZFS_9P_MSG(Rreadlink);
};
struct Rgetattr {
  uint64_t valid = 0;
  Qid qid;
  uint32_t mode = 0, uid = 0, gid = 0;
  uint64_t nlink = 0, rdev = 0, size = 0, blksize = 0, blocks = 0;
  uint64_t atime_sec = 0, atime_nsec = 0, mtime_sec = 0, mtime_nsec = 0;
  uint64_t ctime_sec = 0, ctime_nsec = 0, btime_sec = 0, btime_nsec = 0;
  uint64_t gen = 0, data_version = 0;
  ZFS_9P_MSG(Rgetattr);
};
struct Rxattrwalk {
  uint64_t size = 0;
  ZFS_9P_MSG(Rxattrwalk);
};
struct Rreaddir {
  std::string data;  // packed dirents, see AppendDirent
  ZFS_9P_MSG(Rreaddir);
};
struct Rreaddirplus {
  std::string data;  // packed dirents with attributes, see AppendDirentPlus
  ZFS_9P_MSG(Rreaddirplus);
};
// The attributes after a Tsetattrplus, as Tgetattr with kGetattrBasic.
struct Rsetattrplus {
  Rgetattr attr;
  ZFS_9P_MSG(Rsetattrplus);
};
// Both directories' attributes after a Trenameat2, as Tgetattr with
// kGetattrBasic (the same twice when they are one directory).
struct Rrenameat2 {
  Rgetattr olddir_attr;
  Rgetattr newdir_attr;
  ZFS_9P_MSG(Rrenameat2);
};
// The directory's attributes after a Tunlinkatplus, as Tgetattr with
// kGetattrBasic.
struct Runlinkatplus {
  Rgetattr dir_attr;
  ZFS_9P_MSG(Runlinkatplus);
};
struct Rlock {
  uint8_t status = 0;
  ZFS_9P_MSG(Rlock);
};
struct Rgetlock {
  uint8_t type = 0;
  uint64_t start = 0, length = 0;
  uint32_t proc_id = 0;
  std::string client_id;
  ZFS_9P_MSG(Rgetlock);
};
struct Rmkdir {
  Qid qid;
  ZFS_9P_MSG(Rmkdir);
};
struct Rreclaim {
  Qid qid;
  ZFS_9P_MSG(Rreclaim);
};

#undef ZFS_9P_MSG

using Rflush = Empty<MsgType::kRflush>;
using Rclunk = Empty<MsgType::kRclunk>;
using Rremove = Empty<MsgType::kRremove>;
using Rrename = Empty<MsgType::kRrename>;
using Rsetattr = Empty<MsgType::kRsetattr>;
using Rxattrcreate = Empty<MsgType::kRxattrcreate>;
using Rfsync = Empty<MsgType::kRfsync>;
using Rlink = Empty<MsgType::kRlink>;
using Rrenameat = Empty<MsgType::kRrenameat>;
using Runlinkat = Empty<MsgType::kRunlinkat>;
using Rsession = Empty<MsgType::kRsession>;

using RMessage =
    std::variant<Rlerror, Rversion, Rauth, Rattach, Rflush, Rwalk, Rread, Rwrite, Rclunk, Rremove,
                 Rstatfs, Rlopen, Rlcreate, Rsymlink, Rmknod, Rrename, Rreadlink, Rgetattr,
                 Rsetattr, Rxattrwalk, Rxattrcreate, Rreaddir, Rfsync, Rlock, Rgetlock, Rlink,
                 Rmkdir, Rrenameat, Runlinkat, Rreaddirplus, Rsetattrplus, Rrenameat2,
                 Runlinkatplus, Rsession, Rreclaim>;

// A directory entry inside Rreaddir::data.
struct Dirent {
  Qid qid;
  uint64_t offset = 0;  // pass as Treaddir offset to continue after this entry
  uint8_t type = 0;     // DT_* value
  std::string name;
  friend bool operator==(const Dirent&, const Dirent&) = default;
};

// An entry of Rreaddirplus::data: the dirent and the file's attributes as
// Tgetattr with kGetattrBasic would give them, or attr.valid == 0 when the
// server has none to give (the entry went away, or the caller may not
// search the directory).
struct DirentPlus {
  Dirent d;
  Rgetattr attr;
  friend bool operator==(const DirentPlus&, const DirentPlus&) = default;
};

}  // namespace zerofs::ninep
