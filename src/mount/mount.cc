// Mount: the checks before mounting, the FUSE session and its loop.
#include "mount/mount.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "mount/context.h"

namespace zerofs::mount {

namespace {

// The largest FUSE read/write: one 9P message's payload, capped at the 1 MiB
// the kernel allows (FUSE_MAX_MAX_PAGES).
uint32_t MaxIo(uint32_t msize) {
  return std::min<uint32_t>(msize - ninep::kIoHeaderSize, 1u << 20);
}

void Init(void* userdata, fuse_conn_info* conn) {
  auto* m = static_cast<MountContext*>(userdata);
  uint32_t io = MaxIo(m->conn.msize());
  conn->max_write = io;
  // Must equal the max_read mount option (FuseArgs).
  conn->max_read = io;
  conn->max_readahead = std::min(conn->max_readahead, io);
  if (m->options.writeback_cache && (conn->capable & FUSE_CAP_WRITEBACK_CACHE)) {
    conn->want |= FUSE_CAP_WRITEBACK_CACHE;
  }
  if (conn->capable & FUSE_CAP_POSIX_LOCKS) conn->want |= FUSE_CAP_POSIX_LOCKS;
  // The server clears set-user/group-ID bits on write and truncate itself;
  // the kernel doing it would be a chmod, refused to a non-owner writer.
  if (conn->capable & FUSE_CAP_HANDLE_KILLPRIV) conn->want |= FUSE_CAP_HANDLE_KILLPRIV;
  // Entries with attributes: a directory walk costs one round trip per
  // readdir (Treaddirplus) or a few (walks and Tgetattrs, other servers)
  // instead of a lookup per entry. With other servers AUTO lets the kernel
  // fall back to plain readdir where nobody looks at the entries; not with
  // Treaddirplus, which costs little more than Treaddir (under AUTO the
  // kernel reads all but the first buffer of a directory plainly unless a
  // lookup came in between, and then looks up each of those entries).
  if (m->options.readdirplus && (conn->capable & FUSE_CAP_READDIRPLUS)) {
    conn->want |= FUSE_CAP_READDIRPLUS;
    if (!m->conn.zerofs() && (conn->capable & FUSE_CAP_READDIRPLUS_AUTO)) {
      conn->want |= FUSE_CAP_READDIRPLUS_AUTO;
    } else {
      conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
    }
  } else {
    conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
  }
  // The kernel's own flock() (per mount) is better than none.
  conn->want &= ~FUSE_CAP_FLOCK_LOCKS;
}

fuse_lowlevel_ops MakeOps() {
  fuse_lowlevel_ops ops{};
  ops.init = Init;
  AddEntryOps(&ops);
  AddFileOps(&ops);
  AddDirOps(&ops);
  AddXattrOps(&ops);
  AddLockOps(&ops);
  return ops;
}

std::vector<std::string> FuseArgs(const MountOptions& o, uint32_t msize) {
  std::vector<std::string> opts = {"fsname=zerofs:" + o.address, "subtype=zerofs",
                                   "default_permissions",
                                   "max_read=" + std::to_string(MaxIo(msize))};
  if (o.read_only) opts.push_back("ro");
  for (const auto& f : o.fuse_options) opts.push_back(f);
  std::string joined;
  for (const auto& s : opts) joined += (joined.empty() ? "" : ",") + s;
  std::vector<std::string> args = {"zerofs", "-o", joined};
  if (o.debug) args.push_back("-d");
  return args;
}

}  // namespace

Status Mount(MountOptions options) {
  ZFS_RETURN_IF_ERROR(Validate(&options));
  MountContext ctx(options);

  // Fail now, with a message on the terminal, rather than in the daemon.
  Status reached = ctx.conn.ConnectOnce();
  if (!reached.ok()) {
    return reached.error().Wrap("cannot reach 9P server at " + options.address);
  }
  {
    auto link = ctx.conn.Current();
    auto root = ctx.conn.Root(*link, static_cast<uint32_t>(::getuid()));
    if (!root.ok()) {
      return root.error().Wrap("9P server at " + options.address + " refused the attach");
    }
  }
  uint32_t msize = ctx.conn.msize();
  // Its reader thread would not survive the fork of fuse_daemonize; the first
  // request dials again.
  ctx.conn.Disconnect();

  std::vector<std::string> arg_strings = FuseArgs(options, msize);
  std::vector<char*> argv;
  for (auto& s : arg_strings) argv.push_back(s.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
  fuse_lowlevel_ops ops = MakeOps();
  fuse_session* se = fuse_session_new(&args, &ops, sizeof(ops), &ctx);
  fuse_opt_free_args(&args);
  if (se == nullptr) return Error::Posix(EINVAL, "bad FUSE option in -o (see the message above)");
  ctx.session = se;
  if (fuse_set_signal_handlers(se) != 0) {
    fuse_session_destroy(se);
    return Error::Posix(EIO, "cannot install signal handlers");
  }
  if (fuse_session_mount(se, options.mountpoint.c_str()) != 0) {
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return Error::Posix(EIO, "cannot mount on '" + options.mountpoint +
                                 "' (see the message above; /dev/fuse and fusermount3 needed)");
  }
  spdlog::info("mount: {} mounted on {}", options.address, options.mountpoint);
  fuse_daemonize(options.foreground ? 1 : 0);

  fuse_loop_config* loop = fuse_loop_cfg_create();
  fuse_loop_cfg_set_max_threads(loop, options.max_threads);
  // Idle workers stay: with fewer allowed, bursts of write-back requests
  // started and ended a thread (and faulted in its request buffer) for
  // nearly every request.
  fuse_loop_cfg_set_idle_threads(loop, options.max_threads);
  int rc = fuse_session_loop_mt(se, loop);
  fuse_loop_cfg_destroy(loop);

  fuse_session_unmount(se);
  fuse_remove_signal_handlers(se);
  fuse_session_destroy(se);
  ctx.conn.Disconnect();
  spdlog::info("mount: {} unmounted", options.mountpoint);
  // A signal is the normal way out.
  if (rc != 0 && rc != SIGINT && rc != SIGTERM && rc != SIGHUP) {
    return Error::Posix(EIO, "FUSE session ended with error " + std::to_string(rc));
  }
  return OkStatus();
}

}  // namespace zerofs::mount
