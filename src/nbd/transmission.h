// The transmission phase (proto.md "Transmission"): one connection attached
// to one export. A single reader coroutine decodes and validates request
// headers; each admitted request runs its filesystem call on the server's
// thread pool and queues its reply; one writer coroutine sends queued
// replies in batches. Replies go out in completion order, not request order.
//
// Concurrency: everything below runs on the connection's strand (the
// executor Transmit is spawned on); only ExecuteCommand runs on the pool.
// Back-pressure: the reader stops reading while NbdLimits'
// max_inflight_requests or max_inflight_bytes are held by requests whose
// replies are not yet written.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "nbd/context.h"
#include "nbd/handshake.h"
#include "net/listener.h"

namespace zerofs::nbd {

// Serves requests until NBD_CMD_DISC, EOF, a socket error or a malformed
// header, then waits for the requests in flight, closes the socket and
// releases the export's inode (the Open done by Negotiate).
// REQUIRES: running on a strand; `ctx` outlives the call.
boost::asio::awaitable<void> Transmit(net::Socket socket, Negotiated negotiated,
                                      const ServerContext& ctx, std::string peer);

}  // namespace zerofs::nbd
