// MountContext and the reply helpers.
#include "mount/context.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace zerofs::mount {

namespace {

ninep::ClientOptions ClientOptionsOf(const MountOptions& o) {
  ninep::ClientOptions c;
  c.msize = o.msize;
  // zerofs servers let a lookup's walk and getattr go out together.
  c.ask_zerofs = true;
  return c;
}

std::string MakeClientId() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return std::string("zerofs-mount:") + host + ":" + std::to_string(::getpid());
}

}  // namespace

MountContext::MountContext(const MountOptions& o)
    : options(o),
      conn(o.address, o.aname, ClientOptionsOf(o), o.reconnect_timeout),
      attrs(o.attr_timeout),
      names(o.negative_timeout),
      xattr_misses(o.attr_timeout),
      remote(&conn, &nodes),
      client_id(MakeClientId()) {
  conn.set_on_reconnect([this](const Link& link) {
    // A restarted server may have lost what it had not made durable.
    attrs.Clear();
    names.Clear();
    xattr_misses.Clear();
    ReclaimLocks(*this, link);
  });
}

MountContext& Ctx(fuse_req_t req) { return *static_cast<MountContext*>(fuse_req_userdata(req)); }

uint32_t CallerUid(fuse_req_t req) { return fuse_req_ctx(req)->uid; }
uint32_t CallerGid(fuse_req_t req) { return fuse_req_ctx(req)->gid; }

bool NameTooLong(fuse_req_t req, const char* name) {
  if (std::strlen(name) <= NAME_MAX) return false;
  fuse_reply_err(req, ENAMETOOLONG);
  return true;
}

void ReplyError(fuse_req_t req, const Error& e) {
  int err = e.sys_errno();
  // A connection that stayed down past the reconnect timeout.
  if (err == ECONNRESET) err = EIO;
  fuse_reply_err(req, err > 0 ? err : EIO);
}

void ReplyStatus(fuse_req_t req, const Status& s) {
  if (s.ok()) {
    fuse_reply_err(req, 0);
  } else {
    ReplyError(req, s.error());
  }
}

}  // namespace zerofs::mount
