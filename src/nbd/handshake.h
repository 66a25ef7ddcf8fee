// The fixed newstyle handshake (proto.md "Handshake"): greeting, client
// flags, then option haggling until NBD_OPT_GO or NBD_OPT_EXPORT_NAME picks
// an export, or the client aborts or misbehaves.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "nbd/context.h"
#include "nbd/exports.h"
#include "net/listener.h"

namespace zerofs::nbd {

// The outcome of a successful handshake.
struct Negotiated {
  ExportInfo export_info;   // size as read at GO / EXPORT_NAME time
  bool read_only = false;   // the filesystem refused write access
  bool structured = false;  // NBD_OPT_STRUCTURED_REPLY was acknowledged
  uint16_t tx_flags = 0;    // transmission flags sent to the client
};

// Transmission flags for an export: flush, FUA, trim, write-zeroes with
// fast-zero, cache and multi-conn (every connection goes through the same
// filesystem, and its Fsync flushes everything); DF with structured replies;
// READ_ONLY without the write commands when read-only.
uint16_t TransmissionFlags(bool read_only, bool structured);

// Runs the handshake on `socket`. On success the export's inode has been
// opened with fs::FileSystem::Open (so it outlives an unlink while the
// client is attached); the caller must Release it. nullopt: the connection
// is finished (abort, error, EOF, a malformed message); why has been logged
// with `peer`.
boost::asio::awaitable<std::optional<Negotiated>> Negotiate(net::Socket& socket,
                                                            const ServerContext& ctx,
                                                            const std::string& peer);

}  // namespace zerofs::nbd
