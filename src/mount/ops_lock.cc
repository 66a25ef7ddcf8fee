// POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) over Tgetlock/Tlock.
// The server never waits on a conflict (it answers BLOCKED), so a blocking
// request polls until it gets the lock or the caller is interrupted.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "mount/context.h"
#include "mount/lock_owner.h"

namespace zerofs::mount {

namespace {

using ninep::Client;

uint8_t TypeOf(short l_type) {
  switch (l_type) {
    case F_RDLCK:
      return ninep::kLockTypeRead;
    case F_WRLCK:
      return ninep::kLockTypeWrite;
    default:
      return ninep::kLockTypeUnlock;
  }
}

void Getlk(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi, struct flock* lock) {
  MountContext& m = Ctx(req);
  auto r = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) {
    ninep::Tgetlock t;
    t.fid = fid;
    t.type = TypeOf(lock->l_type);
    t.start = static_cast<uint64_t>(lock->l_start);
    t.length = static_cast<uint64_t>(lock->l_len);
    t.proc_id = ProcIdOf(fi->lock_owner);
    t.client_id = m.client_id;
    return c.Getlock(t);
  });
  if (!r.ok()) return ReplyError(req, r.error());
  struct flock out = *lock;
  if (r->type == ninep::kLockTypeUnlock) {
    out.l_type = F_UNLCK;
  } else {
    out.l_type = r->type == ninep::kLockTypeWrite ? F_WRLCK : F_RDLCK;
    out.l_start = static_cast<off_t>(r->start);
    out.l_len = static_cast<off_t>(r->length);
    // The holder's pid is not known across clients; the 9P proc_id is not a pid.
    out.l_pid = r->client_id == m.client_id ? 0 : -1;
  }
  fuse_reply_lock(req, &out);
}

void Setlk(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi, struct flock* lock, int sleep) {
  MountContext& m = Ctx(req);
  if (lock->l_type != F_UNLCK) m.handles.NoteLocked(ino);
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    auto status = WithHandle(m, HandleOf(fi), [&](Client& c, uint32_t fid) {
      ninep::Tlock t;
      t.fid = fid;
      t.type = TypeOf(lock->l_type);
      t.flags = sleep ? ninep::kLockFlagBlock : 0;
      t.start = static_cast<uint64_t>(lock->l_start);
      t.length = static_cast<uint64_t>(lock->l_len);
      t.proc_id = ProcIdOf(fi->lock_owner);
      t.client_id = m.client_id;
      return c.Lock(t);
    });
    if (!status.ok()) return ReplyError(req, status.error());
    if (*status == ninep::kLockSuccess) {
      m.locks.Apply(ino, ProcIdOf(fi->lock_owner), TypeOf(lock->l_type),
                    static_cast<uint64_t>(lock->l_start), static_cast<uint64_t>(lock->l_len));
      return (void)fuse_reply_err(req, 0);
    }
    if (*status != ninep::kLockBlocked && *status != ninep::kLockGrace) {
      return (void)fuse_reply_err(req, ENOLCK);
    }
    if (!sleep) return (void)fuse_reply_err(req, EAGAIN);
    if (fuse_req_interrupted(req)) return (void)fuse_reply_err(req, EINTR);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

}  // namespace

void ReclaimLocks(MountContext& m, const Link& link) {
  for (const LockRecords::Held& h : m.locks.All()) {
    std::shared_ptr<Handle> handle = m.handles.AnyOf(h.node);
    Result<uint8_t> status = Error::Posix(EBADF, "no open file left");
    if (handle) {
      auto fid = handle->Fid(m.remote, link);
      if (fid.ok()) {
        ninep::Tlock t;
        t.fid = *fid;
        t.type = h.type;
        t.start = h.start;
        t.length = h.length;
        t.proc_id = h.proc_id;
        t.client_id = m.client_id;
        status = link.client->Lock(t);
      } else {
        status = fid.error();
      }
    }
    if (status.ok() && *status == ninep::kLockSuccess) continue;
    auto path = m.nodes.PathOf(h.node);
    spdlog::warn("mount: lock on {} (bytes {}+{}) lost in the reconnect: {}",
                 path.ok() ? *path : "node " + std::to_string(h.node), h.start, h.length,
                 status.ok() ? "another client holds it" : status.error().ToString());
    m.locks.Apply(h.node, h.proc_id, ninep::kLockTypeUnlock, h.start, h.length);
  }
}

void AddLockOps(fuse_lowlevel_ops* ops) {
  ops->getlk = Getlk;
  ops->setlk = Setlk;
}

}  // namespace zerofs::mount
