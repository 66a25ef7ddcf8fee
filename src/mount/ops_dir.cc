// FUSE operations on directories and the file system: opendir, readdir,
// releasedir, fsyncdir, statfs.
#include <fcntl.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "mount/attr.h"
#include "mount/context.h"

namespace zerofs::mount {

namespace {

using ninep::Client;

void Opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  uint32_t uid = CallerUid(req);
  uint32_t flags = O_RDONLY | O_DIRECTORY;
  auto h = m.conn.Run([&](const Link& link) -> Result<Handle*> {
    ZFS_ASSIGN_OR_RETURN(FidRef node_fid, m.remote.NodeFid(link, uid, ino));
    ZFS_ASSIGN_OR_RETURN(uint32_t fid, link.client->WalkNew(node_fid->fid(), {}));
    FidGuard guard(link.client.get(), fid);
    ZFS_RETURN_IF_ERROR(link.client->Lopen(fid, flags));
    return m.handles.Add(std::make_shared<Handle>(ino, uid, flags, link, guard.Release()));
  });
  if (!h.ok()) return ReplyError(req, h.error());
  fi->fh = reinterpret_cast<uintptr_t>(*h);
  if (fuse_reply_open(req, fi) != 0) {
    auto owned = m.handles.Remove(*h);
    if (auto link = m.conn.Current()) owned->Close(*link);
  }
}

// Entries from `off` (a cookie from the server, 0 = start) that fit in
// `size` bytes of FUSE dirents. Entries read but not fitting are read
// again by the next call, which starts after the last one given.
void Readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  uint32_t count =
      static_cast<uint32_t>(std::min<size_t>(size, m.conn.msize() - ninep::kIoHeaderSize));
  auto entries = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) {
    return c.Readdir(fid, static_cast<uint64_t>(off), count);
  });
  // The server may have updated the directory's atime.
  m.attrs.Drop(ino);
  if (!entries.ok()) return ReplyError(req, entries.error());
  std::vector<char> buf(size);
  size_t used = 0;
  for (const ninep::Dirent& d : *entries) {
    struct stat st {};
    st.st_ino = d.qid.path;
    st.st_mode = static_cast<mode_t>(d.type) << 12;
    size_t need = fuse_add_direntry(req, buf.data() + used, size - used, d.name.c_str(), &st,
                                    static_cast<off_t>(d.offset));
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

// One entry of a readdirplus reply: the dirent and, when it could be had,
// the file's attributes and (without Treaddirplus) a fid walked to it.
struct PlusEntry {
  ninep::Dirent d;
  bool have_attr = false;
  ninep::Rgetattr attr;
  FidRef fid;
};

bool IsDot(const std::string& n) { return n == "." || n == ".."; }

// Fills in the attributes of `entries` (names in the directory `dfid`
// names) with all walks in flight at once, then all Tgetattrs: two round
// trips for the lot. Entries whose file has a kept fid need only the
// Tgetattr. An entry that fails (removed meanwhile) stays without
// attributes; only a broken connection is an error.
Status StatEntries(MountContext& m, const Link& link, uint32_t uid, uint32_t dfid,
                   std::vector<PlusEntry>* entries) {
  Client& c = *link.client;
  std::vector<ninep::TMessage> walks;
  std::vector<size_t> walked;  // entries index of each walk
  std::vector<uint32_t> newfids;
  for (size_t i = 0; i < entries->size(); i++) {
    PlusEntry& e = (*entries)[i];
    if (IsDot(e.d.name)) continue;
    e.fid = m.nodes.KeptFidByQid(e.d.qid.path, uid, link.generation);
    if (e.fid) continue;
    uint32_t nf = c.AllocFid();
    walks.push_back(ninep::Twalk{dfid, nf, {e.d.name}});
    walked.push_back(i);
    newfids.push_back(nf);
  }
  auto wr = c.RpcMany(walks);
  bool broken = false;
  for (size_t k = 0; k < wr.size(); k++) {
    auto r = Client::As<ninep::Rwalk>(std::move(wr[k]));
    if (r.ok() && r->qids.size() == 1) {
      (*entries)[walked[k]].fid = Remote::Own(link, uid, newfids[k]);
    } else {
      c.FreeFid(newfids[k]);
      if (!r.ok() && r.error().sys_errno() == ECONNRESET) broken = true;
    }
  }
  if (broken) return Error::Posix(ECONNRESET);
  std::vector<ninep::TMessage> stats;
  std::vector<size_t> statted;
  for (size_t i = 0; i < entries->size(); i++) {
    if (!(*entries)[i].fid) continue;
    stats.push_back(ninep::Tgetattr{(*entries)[i].fid->fid(), ninep::kGetattrBasic});
    statted.push_back(i);
  }
  auto gr = c.RpcMany(stats);
  for (size_t k = 0; k < gr.size(); k++) {
    PlusEntry& e = (*entries)[statted[k]];
    auto a = Client::As<ninep::Rgetattr>(std::move(gr[k]));
    if (a.ok()) {
      e.attr = std::move(*a);
      e.have_attr = true;
    } else {
      e.fid.reset();
      if (a.error().sys_errno() == ECONNRESET) broken = true;
    }
  }
  if (broken) return Error::Posix(ECONNRESET);
  return OkStatus();
}

// Readdir with the attributes of each entry, so that a directory walk
// (`ls -l`, find, du) does not send a lookup per entry. Each entry given
// with attributes counts as a lookup of its node ("." and ".." never: the
// kernel does not take them).
void Readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  uint32_t uid = CallerUid(req);
  // A 9P dirent is about a sixth of a FUSE direntplus: read about what fits.
  size_t want = std::max<size_t>(size / 2, 1024);
  uint32_t count =
      static_cast<uint32_t>(std::min<size_t>(want, m.conn.msize() - ninep::kIoHeaderSize));
  auto dir = m.nodes.PathOf(ino);
  AttrCache::Ticket asked = m.attrs.Begin();
  auto entries = m.conn.Run([&](const Link& link) -> Result<std::vector<PlusEntry>> {
    ZFS_ASSIGN_OR_RETURN(uint32_t hfid, HandleOf(fi)->Fid(m.remote, link));
    std::vector<PlusEntry> out;
    size_t used = 0;
    // Whether one more entry named `name` fits in the kernel's buffer.
    auto fits = [&](const std::string& name) {
      used += fuse_add_direntry_plus(req, nullptr, 0, name.c_str(), nullptr, 0);
      return used <= size;
    };
    if (link.client->pipelines_walks()) {
      // A zerofs server sends the attributes with the entries: one round
      // trip, no walks (the nodes get fids when something needs one). A 9P
      // entry with attributes is ~1.2 times a FUSE direntplus: ask for more
      // than fits, so that the kernel's buffer is filled.
      const uint32_t plus_count = static_cast<uint32_t>(
          std::min<size_t>(size + size / 2, m.conn.msize() - ninep::kIoHeaderSize));
      auto ds = link.client->Readdirplus(hfid, static_cast<uint64_t>(off), plus_count);
      if (ds.ok()) {
        for (auto& p : *ds) {
          if (!fits(p.d.name)) break;
          out.emplace_back();
          out.back().have_attr = dir.ok() && !IsDot(p.d.name) && p.attr.valid != 0;
          out.back().d = std::move(p.d);
          out.back().attr = std::move(p.attr);
        }
        return out;
      }
      // EOPNOTSUPP: an older zerofs server; the walks below.
      if (ds.error().sys_errno() != EOPNOTSUPP) return ds.error();
    }
    ZFS_ASSIGN_OR_RETURN(auto ds, link.client->Readdir(hfid, static_cast<uint64_t>(off), count));
    for (auto& d : ds) {
      if (!fits(d.name)) break;
      out.emplace_back();
      out.back().d = std::move(d);
    }
    // A directory with no name left: entries without attributes.
    if (!dir.ok()) return out;
    ZFS_ASSIGN_OR_RETURN(FidRef dfid, m.remote.NodeFid(link, uid, ino));
    ZFS_RETURN_IF_ERROR(StatEntries(m, link, uid, dfid->fid(), &out));
    return out;
  });
  m.attrs.Drop(ino);
  if (!entries.ok()) return ReplyError(req, entries.error());
  std::vector<char> buf(size);
  size_t used = 0;
  std::vector<uint64_t> counted;
  for (PlusEntry& pe : *entries) {
    fuse_entry_param e{};
    if (pe.have_attr) {
      e.ino = m.nodes.Remember(JoinPath(*dir, pe.d.name), pe.attr.qid.path);
      if (pe.fid) m.nodes.KeepFid(e.ino, pe.fid);
      // A walk (find, du, ls -l) stats the entries next.
      m.attrs.Put(e.ino, pe.attr, asked);
      e.attr = ToStat(pe.attr);
      e.attr_timeout = m.options.attr_timeout;
      e.entry_timeout = m.options.entry_timeout;
    } else {
      // ino 0: a plain entry, the kernel looks it up if it needs it.
      e.attr.st_ino = pe.d.qid.path;
      e.attr.st_mode = static_cast<mode_t>(pe.d.type) << 12;
    }
    size_t need = fuse_add_direntry_plus(req, buf.data() + used, size - used, pe.d.name.c_str(), &e,
                                         static_cast<off_t>(pe.d.offset));
    if (need > size - used) {
      if (e.ino != 0) m.nodes.Forget(e.ino, 1);
      break;
    }
    used += need;
    if (e.ino != 0) counted.push_back(e.ino);
  }
  if (fuse_reply_buf(req, buf.data(), used) != 0) {
    for (uint64_t n : counted) m.nodes.Forget(n, 1);
  }
}

void Releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  auto owned = m.handles.Remove(HandleOf(fi));
  if (owned) {
    if (auto link = m.conn.Current()) owned->Close(*link);
  }
  fuse_reply_err(req, 0);
}

void Fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  Status s = WithHandle(m, HandleOf(fi),
                        [&](Client& c, uint32_t fid) { return c.Fsync(fid, datasync != 0); });
  m.attrs.Drop(ino);
  ReplyStatus(req, s);
}

void Statfs(fuse_req_t req, fuse_ino_t ino) {
  MountContext& m = Ctx(req);
  uint32_t uid = CallerUid(req);
  auto s = m.conn.Run([&](const Link& link) -> Result<ninep::Rstatfs> {
    ZFS_ASSIGN_OR_RETURN(uint32_t root, m.conn.Root(link, uid));
    return link.client->Statfs(root);
  });
  if (!s.ok()) return ReplyError(req, s.error());
  struct statvfs v {};
  v.f_bsize = s->bsize;
  v.f_frsize = s->bsize;
  v.f_blocks = s->blocks;
  v.f_bfree = s->bfree;
  v.f_bavail = s->bavail;
  v.f_files = s->files;
  v.f_ffree = s->ffree;
  v.f_favail = s->ffree;
  v.f_fsid = s->fsid;
  v.f_namemax = s->namelen;
  fuse_reply_statfs(req, &v);
}

}  // namespace

void AddDirOps(fuse_lowlevel_ops* ops) {
  ops->opendir = Opendir;
  ops->readdir = Readdir;
  ops->readdirplus = Readdirplus;
  ops->releasedir = Releasedir;
  ops->fsyncdir = Fsyncdir;
  ops->statfs = Statfs;
}

}  // namespace zerofs::mount
