// FUSE extended attribute operations over Txattrwalk/Txattrcreate.
#include <cerrno>
#include <string>

#include "mount/context.h"

namespace zerofs::mount {

namespace {

using ninep::Client;

// size 0 asks for the length only; a value longer than `size` is ERANGE.
void ReplyValue(fuse_req_t req, const Result<std::string>& v, size_t size) {
  if (!v.ok()) return ReplyError(req, v.error());
  if (size == 0) return (void)fuse_reply_xattr(req, v->size());
  if (v->size() > size) return (void)fuse_reply_err(req, ERANGE);
  fuse_reply_buf(req, v->data(), v->size());
}

void Setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
              int flags) {
  std::string_view v(value, size);
  Status s = AtNode(req, ino, nullptr, [&](Client& c, uint32_t fid) {
    return c.SetXattr(fid, name, v, static_cast<uint32_t>(flags));
  });
  // ctime, and the mode for a POSIX ACL.
  Ctx(req).attrs.Drop(ino);
  Ctx(req).xattr_misses.Drop(ino);
  ReplyStatus(req, s);
}

// The kernel asks for security.capability before every write and chown
// (write-back cache): an absence is answered from XattrMisses.
void Getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  MountContext& m = Ctx(req);
  if (m.xattr_misses.Missing(ino, name)) return (void)fuse_reply_err(req, ENODATA);
  XattrMisses::Ticket asked = m.xattr_misses.Begin();
  auto v =
      AtNode(req, ino, nullptr, [&](Client& c, uint32_t fid) { return c.GetXattr(fid, name); });
  if (!v.ok() && v.error().sys_errno() == ENODATA) m.xattr_misses.PutMissing(ino, name, asked);
  ReplyValue(req, v, size);
}

void Listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  // The 9P list is the NUL-terminated names, as listxattr(2) wants them.
  ReplyValue(
      req, AtNode(req, ino, nullptr, [&](Client& c, uint32_t fid) { return c.GetXattr(fid, ""); }),
      size);
}

void Removexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  Status s =
      AtNode(req, ino, nullptr, [&](Client& c, uint32_t fid) { return c.RemoveXattr(fid, name); });
  Ctx(req).attrs.Drop(ino);
  Ctx(req).xattr_misses.Drop(ino);
  ReplyStatus(req, s);
}

}  // namespace

void AddXattrOps(fuse_lowlevel_ops* ops) {
  ops->setxattr = Setxattr;
  ops->getxattr = Getxattr;
  ops->listxattr = Listxattr;
  ops->removexattr = Removexattr;
}

}  // namespace zerofs::mount
