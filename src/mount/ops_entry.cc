// FUSE operations on names and attributes: lookup, forget, getattr, setattr,
// readlink, mknod, mkdir, symlink, link, unlink, rmdir, rename.
#include <fcntl.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "mount/attr.h"
#include "mount/context.h"

namespace zerofs::mount {

namespace {

using ninep::Client;
using ninep::Rgetattr;

// An entry to answer with: the file's attributes and, to keep for its node,
// a fid walked to it (null if none).
struct Entry {
  Rgetattr attr;
  FidRef fid;
  // A creation's directory after it, when known to be (pipelined creations).
  std::optional<Rgetattr> dir_attr;
};

// Counts a kernel reference to the file at `path` and answers the lookup;
// the attributes are cached under `asked` (taken before their request).
// `empty_since`: a directory this mount created, empty then (DirNames).
void ReplyEntry(fuse_req_t req, const std::string& path, const Entry& entry,
                const AttrCache::Ticket& asked,
                std::optional<DirNames::Clock::time_point> empty_since = std::nullopt) {
  MountContext& m = Ctx(req);
  fuse_entry_param e{};
  e.ino = m.nodes.Remember(path, entry.attr.qid.path);
  if (entry.fid) m.nodes.KeepFid(e.ino, entry.fid);
  m.attrs.Put(e.ino, entry.attr, asked);
  // Before the reply: once the kernel has it, names may be made in it.
  if (empty_since) m.names.KnowEmpty(e.ino, *empty_since);
  e.attr = ToStat(entry.attr);
  e.attr_timeout = m.options.attr_timeout;
  e.entry_timeout = m.options.entry_timeout;
  if (fuse_reply_entry(req, &e) != 0) m.nodes.Forget(e.ino, 1);
}

// Entry `name` of the directory `dfid` names: a walk, then Tgetattr of the
// new fid. When the name is known to belong to a node with a kept fid, that
// fid's Tgetattr goes out with the walk, and a walk finding the same file
// makes the lookup one round trip.
Result<Entry> WalkChild(MountContext& m, const Link& link, uint32_t uid, uint32_t dfid,
                        const std::string& name, const std::string& path) {
  Client& c = *link.client;
  uint32_t newfid = c.AllocFid();
  std::vector<ninep::TMessage> msgs{ninep::Twalk{dfid, newfid, {name}}};
  // With 9P2000.L.zerofs the new fid's Tgetattr goes out with the walk;
  // otherwise the kept fid's, if the name is known (its reply counts only
  // if the walk finds the same file).
  const bool pipelined = c.pipelines_walks();
  FidRef known_fid;
  uint64_t known_qid = 0;
  if (pipelined) {
    msgs.push_back(ninep::Tgetattr{newfid, ninep::kGetattrBasic});
  } else if (auto known = m.nodes.NodeAt(path)) {
    known_fid = m.nodes.KeptFid(known->node, uid, link.generation);
    known_qid = known->qid_path;
    if (known_fid) msgs.push_back(ninep::Tgetattr{known_fid->fid(), ninep::kGetattrBasic});
  }
  auto replies = c.RpcMany(msgs);
  auto walked = Client::As<ninep::Rwalk>(std::move(replies[0]));
  if (!walked.ok() || walked->qids.size() != 1) {
    c.FreeFid(newfid);
    if (!walked.ok()) return walked.error();
    return Error::Posix(ENOENT);
  }
  Entry e{{}, Remote::Own(link, uid, newfid), std::nullopt};
  const uint64_t found = walked->qids[0].path;
  if (msgs.size() > 1 && (pipelined || found == known_qid)) {
    auto a = Client::As<Rgetattr>(std::move(replies[1]));
    if (a.ok() && a->qid.path == found) {
      e.attr = std::move(*a);
      return e;
    }
  }
  ZFS_ASSIGN_OR_RETURN(e.attr, c.Getattr(newfid, ninep::kGetattrBasic));
  return e;
}

// A negative entry the kernel keeps for `seconds`.
void ReplyMissing(fuse_req_t req, double seconds) {
  fuse_entry_param neg{};
  neg.entry_timeout = seconds;
  fuse_reply_entry(req, &neg);
}

void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  if (NameTooLong(req, name)) return;
  MountContext& m = Ctx(req);
  // A directory this mount made and alone changed lately: no walk needed to
  // know the name is not there (the kernel looks up every name it creates).
  if (auto left = m.names.KnownMissing(parent, name)) return ReplyMissing(req, *left);
  auto path = m.nodes.ChildPath(parent, name);
  if (!path.ok()) return ReplyError(req, path.error());
  uint32_t uid = CallerUid(req);
  std::string child = name;
  AttrCache::Ticket asked = m.attrs.Begin();
  auto e = m.conn.Run([&](const Link& link) -> Result<Entry> {
    ZFS_ASSIGN_OR_RETURN(FidRef dir, m.remote.NodeFid(link, uid, parent));
    return WalkChild(m, link, uid, dir->fid(), child, *path);
  });
  if (!e.ok() && e.error().sys_errno() == ENOENT && m.options.negative_timeout > 0) {
    // A negative entry: the kernel answers lookups of the name itself for
    // negative_timeout (compilers and interpreters probe many missing
    // paths). Creations through this mount replace it at once; another
    // client's creation shows after at most that long.
    return ReplyMissing(req, m.options.negative_timeout);
  }
  if (!e.ok()) return ReplyError(req, e.error());
  ReplyEntry(req, *path, *e, asked);
}

void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Ctx(req).nodes.Forget(ino, nlookup);
  fuse_reply_none(req);
}

void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  for (size_t i = 0; i < count; i++) Ctx(req).nodes.Forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void Getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  // The kernel asks again after every close (write-back cache): answer from
  // the last reply while it is fresh, and let the kernel keep it only for
  // what is left of attr_timeout.
  if (auto hit = m.attrs.Get(ino)) {
    struct stat st = ToStat(hit->attr);
    return (void)fuse_reply_attr(req, &st, hit->remaining_s);
  }
  AttrCache::Ticket asked = m.attrs.Begin();
  auto a = AtNode(req, ino, fi,
                  [](Client& c, uint32_t fid) { return c.Getattr(fid, ninep::kGetattrBasic); });
  if (!a.ok()) return ReplyError(req, a.error());
  m.attrs.Put(ino, *a, asked);
  struct stat st = ToStat(*a);
  fuse_reply_attr(req, &st, m.options.attr_timeout);
}

void Setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  ninep::Tsetattr t = ToSetattr(*attr, to_set);
  uint32_t uid = CallerUid(req);
  AttrCache::Ticket after;
  bool cached = false;  // the reply is in the attribute cache already
  auto a = AtNode(req, ino, fi, [&](Client& c, uint32_t fid) -> Result<Rgetattr> {
    ninep::Tsetattr request = t;
    request.fid = fid;
    if ((request.valid & ninep::kSetattrMode) && uid != 0) {
      // The kernel clears set-user/group-ID bits before a write or truncate
      // by sending a chmod, which the server refuses to a non-owner; the
      // server clears them itself on write and truncate, so drop it.
      ZFS_ASSIGN_OR_RETURN(Rgetattr now, c.Getattr(fid, ninep::kGetattrBasic));
      uint32_t kept = now.mode & 07777 & ~static_cast<uint32_t>(S_ISUID | S_ISGID);
      if (now.uid != uid && (now.mode & (S_ISUID | S_ISGID)) && (request.mode & 07777) == kept) {
        request.valid &= ~ninep::kSetattrMode;
      }
    }
    if (request.valid != 0 && c.pipelines_walks()) {
      // A zerofs server answers with the attributes after the change: one
      // round trip instead of two. (EOPNOTSUPP: an older server, which has
      // changed nothing.)
      AttrCache::Ticket sent = m.attrs.Begin();
      auto set = c.SetattrPlus(request);
      if (set.ok()) {
        m.attrs.PutChanged(ino, *set, sent);
        cached = true;
        return set;
      }
      if (set.error().sys_errno() != EOPNOTSUPP) return set;
    }
    if (request.valid != 0) {
      Status set = c.Setattr(request);
      // Getattrs sent before this point may answer with the old attributes.
      m.attrs.Drop(ino);
      ZFS_RETURN_IF_ERROR(set);
    }
    after = m.attrs.Begin();
    return c.Getattr(fid, ninep::kGetattrBasic);
  });
  if (!a.ok()) {
    m.attrs.Drop(ino);
    return ReplyError(req, a.error());
  }
  if (!cached) m.attrs.Put(ino, *a, after);
  struct stat st = ToStat(*a);
  fuse_reply_attr(req, &st, m.options.attr_timeout);
}

void Readlink(fuse_req_t req, fuse_ino_t ino) {
  auto target = AtNode(req, ino, nullptr, [](Client& c, uint32_t fid) { return c.Readlink(fid); });
  // The server may have updated atime, which the kernel asks for again.
  Ctx(req).attrs.Drop(ino);
  if (!target.ok()) return ReplyError(req, target.error());
  fuse_reply_readlink(req, target->c_str());
}

// The qid of what Tmkdir, Tmknod or Tsymlink made.
Result<ninep::Qid> MadeQid(Result<ninep::Reply> reply) {
  if (!reply.ok()) return reply.error();
  if (auto* e = std::get_if<ninep::Rlerror>(&reply->msg)) {
    return Error::Posix(static_cast<int>(e->ecode));
  }
  if (auto* r = std::get_if<ninep::Rmkdir>(&reply->msg)) return r->qid;
  if (auto* r = std::get_if<ninep::Rmknod>(&reply->msg)) return r->qid;
  if (auto* r = std::get_if<ninep::Rsymlink>(&reply->msg)) return r->qid;
  return Error::Posix(EPROTO, "unexpected reply to a create");
}

// Sends `make` and, with a server that pipelines walks, the walk to the new
// name, its Tgetattr and the directory's in the same round trip. The entry
// if all went in order; null if the walk or getattr ran before the creation
// (the server ran the creation on a worker) and must be redone.
Result<std::optional<Entry>> MakePipelined(const Link& link, uint32_t uid, uint32_t dfid,
                                           const std::string& name, ninep::TMessage make) {
  Client& c = *link.client;
  uint32_t newfid = c.AllocFid();
  auto replies = c.RpcMany({std::move(make), ninep::Twalk{dfid, newfid, {name}},
                            ninep::Tgetattr{newfid, ninep::kGetattrBasic},
                            ninep::Tgetattr{dfid, ninep::kGetattrBasic}});
  auto walked = Client::As<ninep::Rwalk>(std::move(replies[1]));
  FidRef fid;
  if (walked.ok() && walked->qids.size() == 1) {
    fid = Remote::Own(link, uid, newfid);  // clunked unless kept
  } else {
    c.FreeFid(newfid);
  }
  ZFS_ASSIGN_OR_RETURN(ninep::Qid made, MadeQid(std::move(replies[0])));
  if (!fid || walked->qids[0].path != made.path) return std::optional<Entry>();
  auto a = Client::As<Rgetattr>(std::move(replies[2]));
  if (!a.ok() || a->qid.path != made.path) {
    ZFS_ASSIGN_OR_RETURN(Rgetattr again, c.Getattr(newfid, ninep::kGetattrBasic));
    a = std::move(again);
  }
  Entry entry{std::move(*a), std::move(fid), std::nullopt};
  // The walk found the new name, so the directory's Tgetattr, read after
  // it, ran after the creation (a Twalk to a new fid runs before the
  // server reads on): the kernel asks for the directory next.
  auto d = Client::As<Rgetattr>(std::move(replies[3]));
  if (d.ok()) entry.dir_attr = std::move(*d);
  return std::optional<Entry>(std::move(entry));
}

// Creates `name` in `parent` with the message `make(dfid)` and answers with
// its entry.
template <typename F>
void MakeEntry(fuse_req_t req, fuse_ino_t parent, const char* name, F&& make) {
  if (NameTooLong(req, name)) return;
  MountContext& m = Ctx(req);
  auto dir = m.nodes.PathOf(parent);
  if (!dir.ok()) return ReplyError(req, dir.error());
  std::string child = name;
  std::string path = JoinPath(*dir, child);
  uint32_t uid = CallerUid(req);
  AttrCache::Ticket asked = m.attrs.Begin();
  const DirNames::Clock::time_point sent = m.names.Now();
  auto e = m.conn.Run([&](const Link& link) -> Result<Entry> {
    ZFS_ASSIGN_OR_RETURN(FidRef dfid, m.remote.NodeFid(link, uid, parent));
    ninep::TMessage msg = make(dfid->fid());
    if (link.client->pipelines_walks()) {
      ZFS_ASSIGN_OR_RETURN(std::optional<Entry> made,
                           MakePipelined(link, uid, dfid->fid(), child, std::move(msg)));
      if (made) return std::move(*made);
    } else {
      ZFS_RETURN_IF_ERROR(MadeQid(link.client->Rpc(msg)));
    }
    return WalkChild(m, link, uid, dfid->fid(), child, path);
  });
  // The directory's size, times and (mkdir) link count.
  if (e.ok() && e->dir_attr) {
    m.attrs.PutChanged(parent, *e->dir_attr, asked);
  } else {
    m.attrs.Drop(parent);
  }
  if (!e.ok()) {
    m.names.Forget(parent);  // made or not: unsure
    return ReplyError(req, e.error());
  }
  m.names.Added(parent, child);
  // A directory it made is empty as of when the Tmkdir went out.
  std::optional<DirNames::Clock::time_point> empty_since;
  if ((e->attr.mode & S_IFMT) == S_IFDIR) empty_since = sent;
  ReplyEntry(req, path, *e, asked, empty_since);
}

void Mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev) {
  uint32_t gid = CallerGid(req);
  MakeEntry(req, parent, name, [&](uint32_t dfid) -> ninep::TMessage {
    return ninep::Tmknod{dfid, name, mode, major(rdev), minor(rdev), gid};
  });
}

void Mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  uint32_t gid = CallerGid(req);
  MakeEntry(req, parent, name, [&](uint32_t dfid) -> ninep::TMessage {
    return ninep::Tmkdir{dfid, name, mode & 07777, gid};
  });
}

void Symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  uint32_t gid = CallerGid(req);
  if (std::strlen(target) > PATH_MAX) return (void)fuse_reply_err(req, ENAMETOOLONG);
  MakeEntry(req, parent, name, [&](uint32_t dfid) -> ninep::TMessage {
    return ninep::Tsymlink{dfid, name, target, gid};
  });
}

void MakeLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char* newname) {
  if (NameTooLong(req, newname)) return;
  MountContext& m = Ctx(req);
  auto from = m.nodes.PathOf(ino);
  auto dir = m.nodes.PathOf(newparent);
  if (!from.ok()) return ReplyError(req, from.error());
  if (!dir.ok()) return ReplyError(req, dir.error());
  uint32_t uid = CallerUid(req);
  std::string name = newname;
  AttrCache::Ticket after;
  auto a = m.conn.Run([&](const Link& link) -> Result<Rgetattr> {
    Client& c = *link.client;
    ZFS_ASSIGN_OR_RETURN(FidRef fid, m.remote.NodeFid(link, uid, ino));
    ZFS_ASSIGN_OR_RETURN(FidRef dfid, m.remote.NodeFid(link, uid, newparent));
    Status linked = c.Link(dfid->fid(), fid->fid(), name);
    // The file's link count and ctime, the directory's size and times.
    m.attrs.Drop(ino);
    m.attrs.Drop(newparent);
    ZFS_RETURN_IF_ERROR(linked);
    after = m.attrs.Begin();
    return c.Getattr(fid->fid(), ninep::kGetattrBasic);
  });
  if (!a.ok()) {
    m.attrs.Drop(ino);
    m.attrs.Drop(newparent);
    m.names.Forget(newparent);
    return ReplyError(req, a.error());
  }
  m.names.Added(newparent, name);
  ReplyEntry(req, JoinPath(*dir, name), Entry{*a, nullptr, std::nullopt}, after);
}

void Remove(fuse_req_t req, fuse_ino_t parent, const char* name, uint32_t flags) {
  if (NameTooLong(req, name)) return;
  MountContext& m = Ctx(req);
  auto dir = m.nodes.PathOf(parent);
  if (!dir.ok()) return ReplyError(req, dir.error());
  std::string child = name;
  uint32_t uid = CallerUid(req);
  // The removed file's link count and ctime change (other names, open
  // descriptors), and the directory's size, times and link count.
  auto removed = m.nodes.NodeAt(JoinPath(*dir, child));
  // A zerofs server answers with the directory's attributes after the
  // removal, which the kernel asks for next.
  std::optional<ninep::Rgetattr> dir_after;
  AttrCache::Ticket sent;
  Status s = m.conn.Run([&](const Link& link) -> Status {
    Client& c = *link.client;
    ZFS_ASSIGN_OR_RETURN(FidRef dir_fid, m.remote.NodeFid(link, uid, parent));
    uint32_t dfid = dir_fid->fid();
    sent = m.attrs.Begin();
    auto plus = c.UnlinkatPlus(dfid, child, flags);
    if (plus.ok()) {
      dir_after = std::move(*plus);
      return OkStatus();
    }
    if (plus.error().sys_errno() != EOPNOTSUPP) return plus.error();
    Status st = c.Unlinkat(dfid, child, flags);
    if (st.ok() || st.error().sys_errno() != EOPNOTSUPP) return st;
    // Servers without Tunlinkat (diod): Tremove of the walked file.
    ZFS_ASSIGN_OR_RETURN(uint32_t fid, c.WalkNew(dfid, {child}));
    return c.Remove(fid);
  });
  if (dir_after) {
    m.attrs.PutChanged(parent, *dir_after, sent);
  } else {
    m.attrs.Drop(parent);
  }
  if (removed) m.attrs.Drop(removed->node);
  if (s.ok()) {
    m.nodes.Unlinked(JoinPath(*dir, child));
    m.names.Removed(parent, child);
    if (removed) m.names.Forget(removed->node);  // a removed directory
  } else {
    m.names.Forget(parent);
  }
  ReplyStatus(req, s);
}

void Unlink(fuse_req_t req, fuse_ino_t parent, const char* name) { Remove(req, parent, name, 0); }

void Rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Remove(req, parent, name, AT_REMOVEDIR);
}

static_assert(RENAME_NOREPLACE == ninep::kRenameNoReplace &&
              RENAME_EXCHANGE == ninep::kRenameExchange);

void Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
            const char* newname, unsigned int flags) {
  // RENAME_NOREPLACE and RENAME_EXCHANGE need Trenameat2 (9P2000.L has no
  // flags; other servers get EINVAL for them); anything else is refused as
  // the kernel's own file systems do.
  if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0) {
    return (void)fuse_reply_err(req, EINVAL);
  }
  if (NameTooLong(req, name) || NameTooLong(req, newname)) return;
  MountContext& m = Ctx(req);
  auto from_dir = m.nodes.PathOf(parent);
  auto to_dir = m.nodes.PathOf(newparent);
  if (!from_dir.ok()) return ReplyError(req, from_dir.error());
  if (!to_dir.ok()) return ReplyError(req, to_dir.error());
  uint32_t uid = CallerUid(req);
  std::string old_name = name, new_name = newname;
  // Both directories, the moved file (ctime; ".." of a directory) and the
  // file it replaces (link count) change.
  auto moved = m.nodes.NodeAt(JoinPath(*from_dir, old_name));
  auto replaced = m.nodes.NodeAt(JoinPath(*to_dir, new_name));
  // A zerofs server answers with both directories' attributes after the
  // rename, which the kernel asks for next.
  std::optional<ninep::Rrenameat2> dirs_after;
  AttrCache::Ticket sent;
  bool by_inode = false;  // the server's fids name inodes: they survive the rename
  Status s = m.conn.Run([&](const Link& link) -> Status {
    Client& c = *link.client;
    ZFS_ASSIGN_OR_RETURN(FidRef odir, m.remote.NodeFid(link, uid, parent));
    ZFS_ASSIGN_OR_RETURN(FidRef ndir, m.remote.NodeFid(link, uid, newparent));
    uint32_t ofid = odir->fid(), nfid = ndir->fid();
    by_inode = c.pipelines_walks();
    sent = m.attrs.Begin();
    auto plus = c.Renameat2(ofid, old_name, nfid, new_name, flags);
    if (plus.ok()) {
      dirs_after = std::move(*plus);
      return OkStatus();
    }
    if (plus.error().sys_errno() != EOPNOTSUPP) return plus.error();
    if (flags != 0) return Error::Posix(EINVAL, "the server takes no rename flags");
    Status st = c.Renameat(ofid, old_name, nfid, new_name);
    if (st.ok() || st.error().sys_errno() != EOPNOTSUPP) return st;
    // Servers without Trenameat (diod): Trename of the walked file.
    ZFS_ASSIGN_OR_RETURN(uint32_t fid, c.WalkNew(ofid, {old_name}));
    FidGuard f(&c, fid);
    return c.Rename(fid, nfid, new_name);
  });
  if (dirs_after) {
    m.attrs.PutChanged(parent, dirs_after->olddir_attr, sent);
    // One PutChanged per node: a second would count as a racing change.
    if (newparent != parent) m.attrs.PutChanged(newparent, dirs_after->newdir_attr, sent);
  } else {
    m.attrs.Drop(parent);
    m.attrs.Drop(newparent);
  }
  if (moved) m.attrs.Drop(moved->node);
  if (replaced) m.attrs.Drop(replaced->node);
  if (s.ok() && (flags & RENAME_EXCHANGE) != 0) {
    // Both names still exist, so the directories' names are unchanged.
    m.nodes.Exchanged(JoinPath(*from_dir, old_name), JoinPath(*to_dir, new_name), by_inode);
  } else if (s.ok()) {
    m.nodes.Renamed(JoinPath(*from_dir, old_name), JoinPath(*to_dir, new_name), by_inode);
    m.names.Removed(parent, old_name);
    m.names.Added(newparent, new_name);
    // A directory it replaced is gone.
    if (replaced) m.names.Forget(replaced->node);
  } else {
    m.names.Forget(parent);
    m.names.Forget(newparent);
  }
  ReplyStatus(req, s);
}

}  // namespace

void AddEntryOps(fuse_lowlevel_ops* ops) {
  ops->lookup = Lookup;
  ops->forget = Forget;
  ops->forget_multi = ForgetMulti;
  ops->getattr = Getattr;
  ops->setattr = Setattr;
  ops->readlink = Readlink;
  ops->mknod = Mknod;
  ops->mkdir = Mkdir;
  ops->symlink = Symlink;
  ops->link = MakeLink;
  ops->unlink = Unlink;
  ops->rmdir = Rmdir;
  ops->rename = Rename;
}

}  // namespace zerofs::mount
