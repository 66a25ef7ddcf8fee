// Client: one typed method per T-message, plus xattr composites.
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

#include "ninep/client.h"

namespace zerofs::ninep {

namespace {
constexpr size_t kMaxNameBytes = 0xFFFF;

Status CheckName(std::string_view s) {
  if (s.size() > kMaxNameBytes) return Error::Posix(ENAMETOOLONG, "name over 65535 bytes");
  return OkStatus();
}
}  // namespace

template <typename R>
Result<R> Client::Expect(const TMessage& msg) {
  return As<R>(Rpc(msg));
}

template <typename R>
Result<R> Client::ExpectExtension(std::atomic<bool>* lacks, const TMessage& msg) {
  if (!zerofs_ || *lacks) {
    return Error::Posix(EOPNOTSUPP, std::string("the server does not answer ") +
                                        MsgTypeName(static_cast<uint8_t>(R::kType) - 1));
  }
  auto r = Expect<R>(msg);
  if (!r.ok() && r.error().sys_errno() == EOPNOTSUPP) *lacks = true;
  return r;
}

Result<Qid> Client::Attach(uint32_t fid, std::string_view uname, uint32_t n_uname,
                           std::string_view aname) {
  ZFS_RETURN_IF_ERROR(CheckName(uname));
  ZFS_RETURN_IF_ERROR(CheckName(aname));
  ZFS_ASSIGN_OR_RETURN(Rattach r, Expect<Rattach>(Tattach{fid, kNoFid, std::string(uname),
                                                          std::string(aname), n_uname}));
  return r.qid;
}

Result<std::vector<Qid>> Client::Walk(uint32_t fid, uint32_t newfid,
                                      const std::vector<std::string>& names) {
  for (const auto& n : names) ZFS_RETURN_IF_ERROR(CheckName(n));
  ZFS_ASSIGN_OR_RETURN(Rwalk r, Expect<Rwalk>(Twalk{fid, newfid, names}));
  return std::move(r.qids);
}

Result<uint32_t> Client::WalkNew(uint32_t fid, const std::vector<std::string>& names) {
  uint32_t newfid = AllocFid();
  auto qids = Walk(fid, newfid, names);
  if (!qids.ok() || qids->size() != names.size()) {
    FreeFid(newfid);
    if (!qids.ok()) return qids.error();
    return Error::Posix(ENOENT, "walk stopped after " + std::to_string(qids->size()) + " names");
  }
  return newfid;
}

Result<OpenResult> Client::Lopen(uint32_t fid, uint32_t flags) {
  ZFS_ASSIGN_OR_RETURN(Rlopen r, Expect<Rlopen>(Tlopen{fid, flags}));
  return OpenResult{r.qid, r.iounit};
}

Result<OpenResult> Client::Lcreate(uint32_t fid, std::string_view name, uint32_t flags,
                                   uint32_t mode, uint32_t gid) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_ASSIGN_OR_RETURN(Rlcreate r,
                       Expect<Rlcreate>(Tlcreate{fid, std::string(name), flags, mode, gid}));
  return OpenResult{r.qid, r.iounit};
}

// Not Expect<Rread>: Rread's view points into the reply's frame, so the data
// is copied while the reply is alive.
Result<std::string> Client::Read(uint32_t fid, uint64_t offset, uint32_t count) {
  ZFS_ASSIGN_OR_RETURN(Reply reply, Rpc(Tread{fid, offset, std::min(count, iounit())}));
  if (auto* e = std::get_if<Rlerror>(&reply.msg)) return Error::Posix(static_cast<int>(e->ecode));
  if (auto* r = std::get_if<Rread>(&reply.msg)) return std::string(r->data);
  return Error::Posix(EPROTO, "Tread: unexpected reply");
}

Result<uint32_t> Client::Write(uint32_t fid, uint64_t offset, std::string_view data) {
  if (data.size() > iounit()) data = data.substr(0, iounit());
  ZFS_ASSIGN_OR_RETURN(Rwrite r, Expect<Rwrite>(Twrite{fid, offset, data}));
  return r.count;
}

Status Client::Clunk(uint32_t fid) {
  auto r = Expect<Rclunk>(Tclunk{fid});
  FreeFid(fid);
  if (!r.ok()) return r.error();
  return OkStatus();
}

Status Client::Remove(uint32_t fid) {
  auto r = Expect<Rremove>(Tremove{fid});
  FreeFid(fid);
  if (!r.ok()) return r.error();
  return OkStatus();
}

Result<std::vector<Dirent>> Client::Readdir(uint32_t fid, uint64_t offset, uint32_t count) {
  ZFS_ASSIGN_OR_RETURN(Rreaddir r, Expect<Rreaddir>(Treaddir{fid, offset, count}));
  return ParseDirents(r.data);
}

Result<std::vector<DirentPlus>> Client::Readdirplus(uint32_t fid, uint64_t offset, uint32_t count) {
  ZFS_ASSIGN_OR_RETURN(Rreaddirplus r, ExpectExtension<Rreaddirplus>(
                                           &lacks_readdirplus_, Treaddirplus{fid, offset, count}));
  return ParseDirentsPlus(r.data);
}

Result<Rgetattr> Client::Getattr(uint32_t fid, uint64_t request_mask) {
  return Expect<Rgetattr>(Tgetattr{fid, request_mask});
}

Status Client::Setattr(const Tsetattr& request) {
  ZFS_RETURN_IF_ERROR(Expect<Rsetattr>(request));
  return OkStatus();
}

Result<Rgetattr> Client::SetattrPlus(const Tsetattr& request) {
  ZFS_ASSIGN_OR_RETURN(Rsetattrplus r,
                       ExpectExtension<Rsetattrplus>(&lacks_setattrplus_, Tsetattrplus{request}));
  return std::move(r.attr);
}

Result<Qid> Client::Mkdir(uint32_t dfid, std::string_view name, uint32_t mode, uint32_t gid) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_ASSIGN_OR_RETURN(Rmkdir r, Expect<Rmkdir>(Tmkdir{dfid, std::string(name), mode, gid}));
  return r.qid;
}

Result<Qid> Client::Symlink(uint32_t dfid, std::string_view name, std::string_view target,
                            uint32_t gid) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_RETURN_IF_ERROR(CheckName(target));
  ZFS_ASSIGN_OR_RETURN(
      Rsymlink r, Expect<Rsymlink>(Tsymlink{dfid, std::string(name), std::string(target), gid}));
  return r.qid;
}

Result<Qid> Client::Mknod(uint32_t dfid, std::string_view name, uint32_t mode, uint32_t major,
                          uint32_t minor, uint32_t gid) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_ASSIGN_OR_RETURN(Rmknod r,
                       Expect<Rmknod>(Tmknod{dfid, std::string(name), mode, major, minor, gid}));
  return r.qid;
}

Result<std::string> Client::Readlink(uint32_t fid) {
  ZFS_ASSIGN_OR_RETURN(Rreadlink r, Expect<Rreadlink>(Treadlink{fid}));
  return std::move(r.target);
}

Status Client::Link(uint32_t dfid, uint32_t fid, std::string_view name) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_RETURN_IF_ERROR(Expect<Rlink>(Tlink{dfid, fid, std::string(name)}));
  return OkStatus();
}

Status Client::Rename(uint32_t fid, uint32_t dfid, std::string_view name) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_RETURN_IF_ERROR(Expect<Rrename>(Trename{fid, dfid, std::string(name)}));
  return OkStatus();
}

Status Client::Renameat(uint32_t olddirfid, std::string_view oldname, uint32_t newdirfid,
                        std::string_view newname) {
  ZFS_RETURN_IF_ERROR(CheckName(oldname));
  ZFS_RETURN_IF_ERROR(CheckName(newname));
  ZFS_RETURN_IF_ERROR(Expect<Rrenameat>(
      Trenameat{olddirfid, std::string(oldname), newdirfid, std::string(newname)}));
  return OkStatus();
}

Result<Rrenameat2> Client::Renameat2(uint32_t olddirfid, std::string_view oldname,
                                     uint32_t newdirfid, std::string_view newname, uint32_t flags) {
  ZFS_RETURN_IF_ERROR(CheckName(oldname));
  ZFS_RETURN_IF_ERROR(CheckName(newname));
  return ExpectExtension<Rrenameat2>(
      &lacks_renameat2_,
      Trenameat2{olddirfid, std::string(oldname), newdirfid, std::string(newname), flags});
}

Status Client::Unlinkat(uint32_t dirfid, std::string_view name, uint32_t flags) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_RETURN_IF_ERROR(Expect<Runlinkat>(Tunlinkat{dirfid, std::string(name), flags}));
  return OkStatus();
}

Result<Rgetattr> Client::UnlinkatPlus(uint32_t dirfid, std::string_view name, uint32_t flags) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_ASSIGN_OR_RETURN(Runlinkatplus r, ExpectExtension<Runlinkatplus>(
                                            &lacks_unlinkatplus_,
                                            Tunlinkatplus{{dirfid, std::string(name), flags}}));
  return std::move(r.dir_attr);
}

Status Client::Session(std::string_view key) {
  ZFS_RETURN_IF_ERROR(ExpectExtension<Rsession>(&lacks_session_, Tsession{std::string(key)}));
  return OkStatus();
}

Result<uint32_t> Client::ReclaimNew(uint32_t fid, uint64_t qid_path) {
  uint32_t newfid = AllocFid();
  auto r = ExpectExtension<Rreclaim>(&lacks_session_, Treclaim{fid, newfid, qid_path});
  if (!r.ok()) {
    FreeFid(newfid);
    return r.error();
  }
  return newfid;
}

Status Client::Fsync(uint32_t fid, bool datasync) {
  ZFS_RETURN_IF_ERROR(Expect<Rfsync>(Tfsync{fid, datasync ? 1u : 0u}));
  return OkStatus();
}

Result<Rstatfs> Client::Statfs(uint32_t fid) { return Expect<Rstatfs>(Tstatfs{fid}); }

Result<uint8_t> Client::Lock(const Tlock& request) {
  ZFS_ASSIGN_OR_RETURN(Rlock r, Expect<Rlock>(request));
  return r.status;
}

Result<Rgetlock> Client::Getlock(const Tgetlock& request) { return Expect<Rgetlock>(request); }

Result<uint64_t> Client::Xattrwalk(uint32_t fid, uint32_t newfid, std::string_view name) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_ASSIGN_OR_RETURN(Rxattrwalk r,
                       Expect<Rxattrwalk>(Txattrwalk{fid, newfid, std::string(name)}));
  return r.size;
}

Status Client::Xattrcreate(uint32_t fid, std::string_view name, uint64_t size, uint32_t flags) {
  ZFS_RETURN_IF_ERROR(CheckName(name));
  ZFS_RETURN_IF_ERROR(Expect<Rxattrcreate>(Txattrcreate{fid, std::string(name), size, flags}));
  return OkStatus();
}

Result<std::string> Client::GetXattr(uint32_t fid, std::string_view name) {
  uint32_t x = AllocFid();
  auto size = Xattrwalk(fid, x, name);
  if (!size.ok()) {
    FreeFid(x);
    return size.error();
  }
  std::string value;
  while (value.size() < *size) {
    auto chunk = Read(x, value.size(), static_cast<uint32_t>(*size - value.size()));
    if (!chunk.ok() || chunk->empty()) {
      Clunk(x).Ignore();
      if (!chunk.ok()) return chunk.error();
      return Error::Posix(EIO, "xattr value shorter than announced");
    }
    value += *chunk;
  }
  ZFS_RETURN_IF_ERROR(Clunk(x));
  return value;
}

Result<std::vector<std::string>> Client::ListXattr(uint32_t fid) {
  ZFS_ASSIGN_OR_RETURN(std::string blob, GetXattr(fid, ""));
  std::vector<std::string> names;
  size_t start = 0;
  for (size_t i = 0; i < blob.size(); i++) {
    if (blob[i] == '\0') {
      names.push_back(blob.substr(start, i - start));
      start = i + 1;
    }
  }
  return names;
}

Status Client::SetXattr(uint32_t fid, std::string_view name, std::string_view value,
                        uint32_t flags) {
  ZFS_ASSIGN_OR_RETURN(uint32_t x, WalkNew(fid, {}));
  Status st = Xattrcreate(x, name, value.size(), flags);
  for (size_t off = 0; st.ok() && off < value.size();) {
    auto n = Write(x, off, value.substr(off));
    if (!n.ok()) {
      st = n.error();
    } else {
      off += *n;
    }
  }
  Status clunk = Clunk(x);
  if (!st.ok()) return st;
  return clunk;
}

Status Client::RemoveXattr(uint32_t fid, std::string_view name) {
  // Removal on the wire, as Linux sends it: size 0 with XATTR_REPLACE.
  return SetXattr(fid, name, "", XATTR_REPLACE);
}

}  // namespace zerofs::ninep
