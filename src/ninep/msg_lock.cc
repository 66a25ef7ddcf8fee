// Tlock and Tgetlock over the server-wide LockTable (lock_table.h).
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

Result<LockKind> KindOf(uint8_t type) {
  switch (type) {
    case kLockTypeRead:
      return LockKind::kRead;
    case kLockTypeWrite:
      return LockKind::kWrite;
    case kLockTypeUnlock:
      return LockKind::kUnlock;
    default:
      return Error::Posix(EINVAL, "bad lock type " + std::to_string(type));
  }
}

}  // namespace

// Never waits: a conflict answers LOCK_BLOCKED and the client retries
// (kLockFlagBlock only tells us the client would wait).
HandlerResult Handle(RequestContext& c, const Tlock& m) {
  ZFS_ASSIGN_OR_RETURN(LockKind kind, KindOf(m.type));
  if (m.flags & ~(kLockFlagBlock | kLockFlagReclaim)) {
    return Error::Posix(EINVAL, "Tlock: unknown flags");
  }
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(uint64_t end, LockTable::EndOf(m.start, m.length));
  LockOwner owner{m.client_id, m.proc_id};
  bool ok = c.locks->SetLock(fid->ino, owner, c.session_id, kind, m.start, end);
  return Rlock{ok ? kLockSuccess : kLockBlocked};
}

// Answers the first conflicting lock, or the request itself with type
// UNLCK when the lock could be placed.
HandlerResult Handle(RequestContext& c, const Tgetlock& m) {
  ZFS_ASSIGN_OR_RETURN(LockKind kind, KindOf(m.type));
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(uint64_t end, LockTable::EndOf(m.start, m.length));
  auto held = c.locks->TestLock(fid->ino, LockOwner{m.client_id, m.proc_id}, kind, m.start, end);
  if (!held) return Rgetlock{kLockTypeUnlock, m.start, m.length, m.proc_id, m.client_id};
  uint8_t type = held->kind == LockKind::kWrite ? kLockTypeWrite : kLockTypeRead;
  return Rgetlock{type, held->start, LockTable::LengthOf(held->start, held->end),
                  held->owner.proc_id, held->owner.client_id};
}

}  // namespace zerofs::ninep
