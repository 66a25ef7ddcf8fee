// Per-server limits and advertised block sizes, shared by the handshake and
// the transmission phase.
#pragma once

#include <chrono>
#include <cstdint>

namespace zerofs::nbd {

struct NbdLimits {
  // NBD_INFO_BLOCK_SIZE. Any byte range works (the filesystem handles
  // partial extents), so the minimum is 1; the preferred size is the fs
  // extent size; the maximum bounds READ/WRITE payloads.
  uint32_t min_block = 1;
  uint32_t preferred_block = 32 * 1024;
  uint32_t max_payload = 32 * 1024 * 1024;
  // Largest option payload accepted during the handshake; a longer one is
  // answered NBD_REP_ERR_TOO_BIG and the connection is closed.
  uint32_t max_option_payload = 16 * 1024;
  // A connection that has not finished the handshake by then is closed.
  std::chrono::milliseconds handshake_timeout{30'000};
  // Per connection: requests on the thread pool, and their bytes (WRITE
  // payloads and READ lengths) plus reply bytes the socket has not taken
  // yet. The reader waits while either is reached (so one request may pass
  // the byte limit by its own size), and a client cannot make the server
  // buffer without bound.
  uint32_t max_inflight_requests = 128;
  uint64_t max_inflight_bytes = 128ull * 1024 * 1024;
  // After the reader sends the replies it answered itself, it polls the
  // socket this long for the next request before sleeping in epoll
  // (net/busy_poll.h; README.md "Concurrency"). Zero: never poll.
  std::chrono::microseconds busy_poll{50};
};

}  // namespace zerofs::nbd
