// FUSE operations on directories and the file system: opendir, readdir,
// releasedir, fsyncdir, statfs.
#include <fcntl.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "mount/context.h"

namespace zerofs::mount {

namespace {

using ninep::Client;

void Opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  MountContext& m = Ctx(req);
  auto path = m.nodes.PathOf(ino);
  if (!path.ok()) return ReplyError(req, path.error());
  uint32_t uid = CallerUid(req);
  uint32_t flags = O_RDONLY | O_DIRECTORY;
  auto h = m.conn.Run([&](const Link& link) -> Result<Handle*> {
    ZFS_ASSIGN_OR_RETURN(uint32_t fid, m.remote.WalkPath(link, uid, *path));
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
  ReplyStatus(req, WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) {
                return c.Fsync(fid, datasync != 0);
              }));
}

void Statfs(fuse_req_t req, fuse_ino_t ino) {
  MountContext& m = Ctx(req);
  auto s =
      m.remote.AtPath(CallerUid(req), "", [](Client& c, uint32_t fid) { return c.Statfs(fid); });
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
  ops->releasedir = Releasedir;
  ops->fsyncdir = Fsyncdir;
  ops->statfs = Statfs;
}

}  // namespace zerofs::mount
