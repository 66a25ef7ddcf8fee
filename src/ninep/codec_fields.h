// The field list of every 9P2000.L message body, in wire order, written once
// and used by both the encoder and the decoder (codec.cc). A visitor `v` is
// called with each field; wrappers say how a field is coded when its C++
// type alone does not:
//   integers        fixed width LE (uint8_t/uint16_t/uint32_t/uint64_t)
//   std::string     s[2]
//   Qid             qid[13]
//   Names / Qids    n[2] then n elements, n <= kMaxWalkElements
//   Blob32          count[4] data[count]
//   OptionalU32     a trailing u32 that old peers may omit
//   Tsetattr, Tunlinkat, Rgetattr  that message's body, inline (the zerofs
//                       extensions)
// Internal to the codec; include only from codec*.cc.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "ninep/messages.h"

namespace zerofs::ninep::codec_internal {

template <typename S>
struct Blob32 {
  S& s;
};
template <typename S>
Blob32(S&) -> Blob32<S>;

template <typename U>
struct OptionalU32 {
  U& v;
};
template <typename U>
OptionalU32(U&) -> OptionalU32<U>;

template <typename M, typename T>
concept Is = std::is_same_v<std::remove_const_t<M>, T>;

#define ZFS_FIELDS(T, ...)       \
  template <typename V, Is<T> M> \
  void Fields(V& v, M& m) {      \
    v(__VA_ARGS__);              \
  }

template <typename V, MsgType T>
void Fields(V&, const Empty<T>&) {}

ZFS_FIELDS(Tversion, m.msize, m.version)
ZFS_FIELDS(Tauth, m.afid, m.uname, m.aname, m.n_uname)
ZFS_FIELDS(Tattach, m.fid, m.afid, m.uname, m.aname, m.n_uname)
ZFS_FIELDS(Tflush, m.oldtag)
ZFS_FIELDS(Twalk, m.fid, m.newfid, m.names)
ZFS_FIELDS(Tread, m.fid, m.offset, m.count)
ZFS_FIELDS(Twrite, m.fid, m.offset, Blob32{m.data})
ZFS_FIELDS(Tclunk, m.fid)
ZFS_FIELDS(Tremove, m.fid)
ZFS_FIELDS(Tstatfs, m.fid)
ZFS_FIELDS(Tlopen, m.fid, m.flags)
ZFS_FIELDS(Tlcreate, m.fid, m.name, m.flags, m.mode, m.gid)
ZFS_FIELDS(Tsymlink, m.fid, m.name, m.target, m.gid)
ZFS_FIELDS(Tmknod, m.dfid, m.name, m.mode, m.major, m.minor, m.gid)
ZFS_FIELDS(Trename, m.fid, m.dfid, m.name)
ZFS_FIELDS(Treadlink, m.fid)
ZFS_FIELDS(Tgetattr, m.fid, m.request_mask)
ZFS_FIELDS(Tsetattr, m.fid, m.valid, m.mode, m.uid, m.gid, m.size, m.atime_sec, m.atime_nsec,
           m.mtime_sec, m.mtime_nsec)
ZFS_FIELDS(Txattrwalk, m.fid, m.newfid, m.name)
ZFS_FIELDS(Txattrcreate, m.fid, m.name, m.attr_size, m.flags)
ZFS_FIELDS(Treaddir, m.fid, m.offset, m.count)
ZFS_FIELDS(Treaddirplus, m.fid, m.offset, m.count)
ZFS_FIELDS(Tsetattrplus, m.set)
ZFS_FIELDS(Tfsync, m.fid, OptionalU32{m.datasync})
ZFS_FIELDS(Tlock, m.fid, m.type, m.flags, m.start, m.length, m.proc_id, m.client_id)
ZFS_FIELDS(Tgetlock, m.fid, m.type, m.start, m.length, m.proc_id, m.client_id)
ZFS_FIELDS(Tlink, m.dfid, m.fid, m.name)
ZFS_FIELDS(Tmkdir, m.dfid, m.name, m.mode, m.gid)
ZFS_FIELDS(Trenameat, m.olddirfid, m.oldname, m.newdirfid, m.newname)
ZFS_FIELDS(Trenameat2, m.olddirfid, m.oldname, m.newdirfid, m.newname, m.flags)
ZFS_FIELDS(Tunlinkat, m.dirfid, m.name, m.flags)
ZFS_FIELDS(Tunlinkatplus, m.unlink)
ZFS_FIELDS(Tsession, m.key)
ZFS_FIELDS(Treclaim, m.fid, m.newfid, m.path)

ZFS_FIELDS(Rlerror, m.ecode)
ZFS_FIELDS(Rversion, m.msize, m.version)
ZFS_FIELDS(Rauth, m.aqid)
ZFS_FIELDS(Rattach, m.qid)
ZFS_FIELDS(Rwalk, m.qids)
ZFS_FIELDS(Rread, Blob32{m.data})
ZFS_FIELDS(Rwrite, m.count)
ZFS_FIELDS(Rstatfs, m.type, m.bsize, m.blocks, m.bfree, m.bavail, m.files, m.ffree, m.fsid,
           m.namelen)
ZFS_FIELDS(Rlopen, m.qid, m.iounit)
ZFS_FIELDS(Rlcreate, m.qid, m.iounit)
ZFS_FIELDS(Rsymlink, m.qid)
ZFS_FIELDS(Rmknod, m.qid)
ZFS_FIELDS(Rreadlink, m.target)
ZFS_FIELDS(Rgetattr, m.valid, m.qid, m.mode, m.uid, m.gid, m.nlink, m.rdev, m.size, m.blksize,
           m.blocks, m.atime_sec, m.atime_nsec, m.mtime_sec, m.mtime_nsec, m.ctime_sec,
           m.ctime_nsec, m.btime_sec, m.btime_nsec, m.gen, m.data_version)
ZFS_FIELDS(Rxattrwalk, m.size)
ZFS_FIELDS(Rreaddir, Blob32{m.data})
ZFS_FIELDS(Rreaddirplus, Blob32{m.data})
ZFS_FIELDS(Rsetattrplus, m.attr)
ZFS_FIELDS(Runlinkatplus, m.dir_attr)
ZFS_FIELDS(Rrenameat2, m.olddir_attr, m.newdir_attr)
ZFS_FIELDS(Rlock, m.status)
ZFS_FIELDS(Rgetlock, m.type, m.start, m.length, m.proc_id, m.client_id)
ZFS_FIELDS(Rmkdir, m.qid)
ZFS_FIELDS(Rreclaim, m.qid)

#undef ZFS_FIELDS

}  // namespace zerofs::ninep::codec_internal
