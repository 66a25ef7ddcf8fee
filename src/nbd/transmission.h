// The transmission phase (proto.md "Transmission"): one connection attached
// to one export. A single reader decodes and validates request headers. A
// READ the memory cache holds is answered by the reader itself; every other
// request runs on the server's thread pool, and the worker sends its reply.
// Replies go out in completion order, not request order.
//
// Concurrency: the reader and the async writer run on the connection's
// single-threaded io_context (the executor Transmit is spawned on); workers
// run the filesystem calls. A reply is sent by the thread that produced it
// with a non-blocking sendmsg under the connection's write mutex; the reader
// gathers the replies it answered and sends them in one call when it has no
// further complete request buffered. What the socket does not take waits in
// a queue drained by an async writer; while it runs, new replies join the
// queue, so replies never interleave.
// Back-pressure: the reader stops reading while NbdLimits'
// max_inflight_requests requests are on workers, or their bytes plus the
// queued reply bytes reach max_inflight_bytes.
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
// REQUIRES: running on the socket's single-threaded io_context; `ctx`
// outlives the call.
boost::asio::awaitable<void> Transmit(net::Socket socket, Negotiated negotiated,
                                      const ServerContext& ctx, std::string peer);

}  // namespace zerofs::nbd
