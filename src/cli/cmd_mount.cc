// `zerofs mount [OPTIONS] ADDRESS MOUNTPOINT`: mounts a 9P2000.L server
// (ZeroFS's [servers.ninep], or any other) with FUSE.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/report.h"
#include "cli/subcommands.h"
#include "mount/mount.h"

namespace zerofs::cli {

void AddMountCommand(CLI::App& app, Action* action) {
  auto o = std::make_shared<mount::MountOptions>();
  auto fuse_opts = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "mount", "Mount a 9P2000.L server (zerofs run's [servers.ninep]) with FUSE");
  cmd->add_option("ADDRESS", o->address,
                  "Server address: host:port, [v6addr]:port or a Unix socket path")
      ->required();
  cmd->add_option("MOUNTPOINT", o->mountpoint, "An existing directory to mount on")->required();
  cmd->add_flag("-f,--foreground", o->foreground, "Stay in the foreground (default: daemonize)");
  cmd->add_flag("--read-only", o->read_only, "Mount read-only (writes fail with EROFS)");
  cmd->add_option(
         "-o", *fuse_opts,
         "Comma-separated mount options: entry_timeout=SECS, negative_timeout=SECS, "
         "attr_timeout=SECS, "
         "msize=BYTES, reconnect_timeout=SECS, aname=EXPORT, no_writeback_cache, no_readdirplus, "
         "ro, and FUSE options such as allow_other")
      ->allow_extra_args(false);
  cmd->add_option("--entry-timeout", o->entry_timeout,
                  "Seconds the kernel caches name lookups (default 1; longer is faster, but "
                  "other clients' changes show later)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--negative-timeout", o->negative_timeout,
                  "Seconds the kernel caches that a name does not exist, and the mount the "
                  "names in directories it made (default 1; 0: ask the server every time)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--attr-timeout", o->attr_timeout,
                  "Seconds the kernel and the mount cache attributes (default 1)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--reconnect-timeout", o->reconnect_timeout,
                  "Seconds a call waits for a lost server to come back (default 60)");
  cmd->add_flag("--debug", o->debug, "Trace FUSE requests on stderr (with -f)");
  cmd->callback([o, fuse_opts, action] {
    *action = [o, fuse_opts] {
      for (const auto& list : *fuse_opts) {
        Status s = mount::ApplyMountOptionList(list, o.get());
        if (!s.ok()) return ReportError(s.error());
      }
      Status s = mount::Mount(*o);
      if (!s.ok()) return ReportError(s.error());
      return kExitOk;
    };
  });
}

}  // namespace zerofs::cli
