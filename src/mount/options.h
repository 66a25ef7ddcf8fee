// What `zerofs mount` was asked to do: the command line, after parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::mount {

struct MountOptions {
  std::string address;     // "host:port", "[v6]:port", "unix:/path" or "/path"
  std::string mountpoint;  // absolute once Validate() succeeded
  std::string aname;       // Tattach aname: which export (diod wants its path)
  bool foreground = false;
  bool read_only = false;
  bool debug = false;                     // libfuse's request trace on stderr
  double entry_timeout = 1.0;             // seconds the kernel may cache a name lookup
  double negative_timeout = 1.0;          // ... and that a name does not exist
  double attr_timeout = 1.0;              // seconds the kernel may cache attributes
  bool writeback_cache = true;            // kernel write-back cache (FUSE_CAP_WRITEBACK_CACHE)
  bool readdirplus = true;                // entries with attributes (FUSE_CAP_READDIRPLUS)
  uint32_t msize = (1u << 20) + 4096;     // asked for in Tversion: 1 MiB I/O plus headers
  double reconnect_timeout = 60;          // seconds a call waits for the server to come back
  unsigned max_threads = 16;              // FUSE worker threads
  std::vector<std::string> fuse_options;  // passed to libfuse as -o
};

// Applies one `-o` item. Items this client understands (entry_timeout=,
// negative_timeout=, attr_timeout=, msize=, reconnect_timeout=, aname=, writeback_cache,
// no_writeback_cache, readdirplus, no_readdirplus, ro) change `o`; anything else is kept for
// libfuse (allow_other, fsname=...), which rejects what it does not know.
Status ApplyMountOption(std::string_view item, MountOptions* o);

// Splits a comma-separated `-o` argument and applies each item.
Status ApplyMountOptionList(std::string_view list, MountOptions* o);

// Checks the address form and the mountpoint (exists, is a directory) and
// makes both paths absolute, since the daemon changes to "/". Errors name
// the bad address or mountpoint.
Status Validate(MountOptions* o);

}  // namespace zerofs::mount
