// FUSE operations on open files: open, create, read, write, flush, release,
// fsync.
#include <fcntl.h>

#include <cerrno>
#include <optional>
#include <string>

#include "mount/attr.h"
#include "mount/context.h"
#include "mount/lock_owner.h"

namespace zerofs::mount {

namespace {

using ninep::Client;

// The flags the server opens with. With the kernel's write-back cache the
// kernel reads pages of files opened write-only and positions O_APPEND
// writes itself, so the server file is opened read-write (when allowed) and
// without O_APPEND. O_DIRECT is the kernel's business, as over NFS: it
// already bypasses the page cache on this side, and how the server caches
// its own files is up to it (diod refuses a Tlopen with O_DIRECT: EINVAL).
uint32_t ServerFlags(const MountContext& m, int flags, bool widen) {
  uint32_t f = static_cast<uint32_t>(flags) & ~static_cast<uint32_t>(O_DIRECT);
  if (m.options.writeback_cache) {
    f &= ~static_cast<uint32_t>(O_APPEND);
    if (widen && (f & O_ACCMODE) == O_WRONLY) f = (f & ~O_ACCMODE) | O_RDWR;
  }
  return f;
}

void SetOpenFlags(const MountContext& m, fuse_file_info* fi) {
  fi->keep_cache = 0;
  fi->direct_io = 0;
  (void)m;
}

// A clone of `fid` opened with `flags` (Tlopen changes what a fid is); the
// walk and the open in one round trip where the server allows.
Result<uint32_t> OpenClone(Client& c, uint32_t fid, uint32_t flags) {
  if (!c.pipelines_walks()) {
    ZFS_ASSIGN_OR_RETURN(uint32_t clone, c.WalkNew(fid, {}));
    FidGuard guard(&c, clone);
    ZFS_RETURN_IF_ERROR(c.Lopen(clone, flags));
    return guard.Release();
  }
  uint32_t clone = c.AllocFid();
  auto replies = c.RpcMany({ninep::Twalk{fid, clone, {}}, ninep::Tlopen{clone, flags}});
  auto walked = Client::As<ninep::Rwalk>(std::move(replies[0]));
  if (!walked.ok()) {
    c.FreeFid(clone);
    return walked.error();
  }
  FidGuard guard(&c, clone);
  ZFS_RETURN_IF_ERROR(Client::As<ninep::Rlopen>(std::move(replies[1])));
  return guard.Release();
}

// Tlcreate of `child` in the directory `dfid` (on a clone of it), the new
// file's attributes and an unopened fid for it. Pipelined where the server
// allows; each later reply is checked against the creation's qid, since
// the server may have run the creation after them (on a worker).
struct Created {
  uint32_t open_fid = 0;
  ninep::Rgetattr attr;
  FidRef node_fid;  // null if the walk did not find the new file
  // The directory after the creation, when known to be (pipelined).
  std::optional<ninep::Rgetattr> dir_attr;
};

Result<Created> CreateIn(const Link& link, uint32_t uid, uint32_t dfid, const std::string& child,
                         uint32_t flags, uint32_t mode, uint32_t gid) {
  Client& c = *link.client;
  uint32_t node_fid = c.AllocFid();
  Created out;
  if (!c.pipelines_walks()) {
    ZFS_ASSIGN_OR_RETURN(uint32_t fid, c.WalkNew(dfid, {}));
    FidGuard guard(&c, fid);
    // Tlcreate turns the directory fid into the new file's open fid.
    ZFS_RETURN_IF_ERROR(c.Lcreate(fid, child, flags, mode, gid));
    // The attributes, and an unopened fid for the new node, in one round trip.
    auto replies = c.RpcMany(
        {ninep::Tgetattr{fid, ninep::kGetattrBasic}, ninep::Twalk{dfid, node_fid, {child}}});
    auto walked = Client::As<ninep::Rwalk>(std::move(replies[1]));
    if (walked.ok() && walked->qids.size() == 1) {
      out.node_fid = Remote::Own(link, uid, node_fid);
    } else {
      c.FreeFid(node_fid);
    }
    ZFS_ASSIGN_OR_RETURN(out.attr, Client::As<ninep::Rgetattr>(std::move(replies[0])));
    if (out.node_fid && walked->qids[0].path != out.attr.qid.path) out.node_fid.reset();
    out.open_fid = guard.Release();
    return out;
  }
  uint32_t fid = c.AllocFid();
  auto replies =
      c.RpcMany({ninep::Twalk{dfid, fid, {}}, ninep::Tlcreate{fid, child, flags, mode, gid},
                 ninep::Tgetattr{fid, ninep::kGetattrBasic}, ninep::Twalk{dfid, node_fid, {child}},
                 ninep::Tgetattr{dfid, ninep::kGetattrBasic}});
  auto walked = Client::As<ninep::Rwalk>(std::move(replies[3]));
  if (walked.ok() && walked->qids.size() == 1) {
    out.node_fid = Remote::Own(link, uid, node_fid);
  } else {
    c.FreeFid(node_fid);
  }
  auto cloned = Client::As<ninep::Rwalk>(std::move(replies[0]));
  if (!cloned.ok()) {
    c.FreeFid(fid);
    return cloned.error();
  }
  FidGuard guard(&c, fid);
  ZFS_ASSIGN_OR_RETURN(ninep::Rlcreate made, Client::As<ninep::Rlcreate>(std::move(replies[1])));
  auto a = Client::As<ninep::Rgetattr>(std::move(replies[2]));
  if (!a.ok() || a->qid.path != made.qid.path) {
    ZFS_ASSIGN_OR_RETURN(ninep::Rgetattr again, c.Getattr(fid, ninep::kGetattrBasic));
    a = std::move(again);
  }
  out.attr = std::move(*a);
  if (out.node_fid && walked->qids[0].path != made.qid.path) out.node_fid.reset();
  // The walk found the new file, so the directory's Tgetattr, read after
  // it, ran after the creation: the kernel asks for the directory next.
  if (out.node_fid) {
    auto d = Client::As<ninep::Rgetattr>(std::move(replies[4]));
    if (d.ok()) out.dir_attr = std::move(*d);
  }
  out.open_fid = guard.Release();
  return out;
}

void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  uint32_t uid = CallerUid(req);
  uint32_t flags = ServerFlags(m, fi->flags, true);
  auto open = [&](uint32_t f) {
    return m.conn.Run([&](const Link& link) -> Result<Handle*> {
      ZFS_ASSIGN_OR_RETURN(FidRef node_fid, m.remote.NodeFid(link, uid, ino));
      ZFS_ASSIGN_OR_RETURN(uint32_t fid, OpenClone(*link.client, node_fid->fid(), f));
      return m.handles.Add(std::make_shared<Handle>(ino, uid, f, link, fid));
    });
  };
  auto h = open(flags);
  uint32_t narrow = ServerFlags(m, fi->flags, false);
  if (!h.ok() && h.error().sys_errno() == EACCES && narrow != flags) h = open(narrow);
  if (fi->flags & O_TRUNC) m.attrs.Drop(ino);
  if (!h.ok()) return ReplyError(req, h.error());
  fi->fh = reinterpret_cast<uintptr_t>(*h);
  SetOpenFlags(m, fi);
  if (fuse_reply_open(req, fi) != 0) {
    auto owned = m.handles.Remove(*h);
    if (auto link = m.conn.Current()) owned->Close(*link);
  }
}

void Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  if (NameTooLong(req, name)) return;
  MountContext& m = Ctx(req);
  auto dir = m.nodes.PathOf(parent);
  if (!dir.ok()) return ReplyError(req, dir.error());
  uint32_t uid = CallerUid(req), gid = CallerGid(req);
  std::string child = name;
  std::string path = JoinPath(*dir, child);
  uint32_t flags = ServerFlags(m, fi->flags, true) | O_CREAT;
  fuse_entry_param e{};
  AttrCache::Ticket asked = m.attrs.Begin();
  std::optional<ninep::Rgetattr> dir_attr;
  auto h = m.conn.Run([&](const Link& link) -> Result<Handle*> {
    ZFS_ASSIGN_OR_RETURN(FidRef dir_fid, m.remote.NodeFid(link, uid, parent));
    ZFS_ASSIGN_OR_RETURN(Created made,
                         CreateIn(link, uid, dir_fid->fid(), child, flags, mode & 07777, gid));
    e.ino = m.nodes.Remember(path, made.attr.qid.path);
    if (made.node_fid) m.nodes.KeepFid(e.ino, made.node_fid);
    // What a stat right after create+close gets (the kernel asks again at close).
    m.attrs.Put(e.ino, made.attr, asked);
    e.attr = ToStat(made.attr);
    dir_attr = std::move(made.dir_attr);
    return m.handles.Add(std::make_shared<Handle>(e.ino, uid, flags, link, made.open_fid));
  });
  // The directory's size and times.
  if (h.ok() && dir_attr) {
    m.attrs.PutChanged(parent, *dir_attr, asked);
  } else {
    m.attrs.Drop(parent);
  }
  if (h.ok()) {
    m.names.Added(parent, child);
  } else {
    m.names.Forget(parent);
  }
  if (!h.ok()) return ReplyError(req, h.error());
  e.attr_timeout = m.options.attr_timeout;
  e.entry_timeout = m.options.entry_timeout;
  fi->fh = reinterpret_cast<uintptr_t>(*h);
  SetOpenFlags(m, fi);
  if (fuse_reply_create(req, &e, fi) != 0) {
    m.nodes.Forget(e.ino, 1);
    auto owned = m.handles.Remove(*h);
    if (auto link = m.conn.Current()) owned->Close(*link);
  }
}

void Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  auto data = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) -> Result<std::string> {
    std::string out;
    while (out.size() < size) {
      ZFS_ASSIGN_OR_RETURN(std::string chunk, c.Read(fid, static_cast<uint64_t>(off) + out.size(),
                                                     static_cast<uint32_t>(size - out.size())));
      if (chunk.empty()) break;
      if (out.empty()) {
        out = std::move(chunk);
      } else {
        out += chunk;
      }
    }
    return out;
  });
  // The server may have updated atime (relatime), which the kernel asks for
  // again after a read.
  m.attrs.Drop(ino);
  if (!data.ok()) return ReplyError(req, data.error());
  fuse_reply_buf(req, data->data(), data->size());
}

void Write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
           fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  std::string_view data(buf, size);
  auto written = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) -> Result<size_t> {
    size_t done = 0;
    while (done < data.size()) {
      ZFS_ASSIGN_OR_RETURN(uint32_t n,
                           c.Write(fid, static_cast<uint64_t>(off) + done, data.substr(done)));
      if (n == 0) break;
      done += n;
    }
    return done;
  });
  // Size, blocks, mtime/ctime, and the set-ID bits the server clears.
  m.attrs.Drop(ino);
  if (!written.ok()) return ReplyError(req, written.error());
  HandleOf(fi)->set_wrote();
  if (*written == 0 && size > 0) return (void)fuse_reply_err(req, EIO);
  fuse_reply_write(req, *written);
}

// Closing any descriptor drops the caller's POSIX locks on the file.
void Flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  // The kernel has written its cached pages by now; the server may have
  // changed the mode (cleared S_ISUID/S_ISGID) on those writes, which the
  // kernel's cached attributes do not show.
  if (HandleOf(fi)->wrote() && m.session != nullptr) {
    fuse_lowlevel_notify_inval_inode(m.session, ino, -1, 0);
  }
  if (!m.handles.EverLocked(ino)) return (void)fuse_reply_err(req, 0);
  m.locks.DropOwner(ino, ProcIdOf(fi->lock_owner));
  Status s = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) -> Status {
    ninep::Tlock t;
    t.fid = fid;
    t.type = ninep::kLockTypeUnlock;
    t.proc_id = ProcIdOf(fi->lock_owner);
    t.client_id = m.client_id;
    ZFS_RETURN_IF_ERROR(c.Lock(t));
    return OkStatus();
  });
  // The locks are gone with the server's session anyway if that is what failed.
  (void)s;
  fuse_reply_err(req, 0);
}

void Release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  auto owned = m.handles.Remove(HandleOf(fi));
  if (owned) {
    if (auto link = m.conn.Current()) owned->Close(*link);
  }
  fuse_reply_err(req, 0);
}

void Fsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  Status s = WithHandle(m, HandleOf(fi),
                        [&](Client& c, uint32_t fid) { return c.Fsync(fid, datasync != 0); });
  // Stored blocks may change once data is durable.
  m.attrs.Drop(ino);
  ReplyStatus(req, s);
}

}  // namespace

void AddFileOps(fuse_lowlevel_ops* ops) {
  ops->open = Open;
  ops->create = Create;
  ops->read = Read;
  ops->write = Write;
  ops->flush = Flush;
  ops->release = Release;
  ops->fsync = Fsync;
}

}  // namespace zerofs::mount
