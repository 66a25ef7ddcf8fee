// Where the server runs a request (docs/protocol/9p2000l.md, "Threading").
// A hand-off to a worker and back costs more than a call answered from
// metadata or the memory cache, but a call that waits on the object store
// or on another request's inode lock must not hold up the connection's I/O
// thread, which also serves other connections.
#pragma once

#include <cstdint>
#include <string_view>

namespace zerofs::ninep {

// Largest Tread answered on the I/O thread (from the memory cache): copying
// and sending more would hold up the thread's other connections, and a
// kernel mount's concurrent large reads should use every core.
constexpr uint32_t kMaxInlineRead = 64 * 1024;

enum class Placement : uint8_t {
  // On the I/O thread: memory-only work (RocksDB memtable/block cache reads,
  // the fid table, the lock table), or an error answer.
  kInline,
  // On the I/O thread with RequestContext::cached_only; on a worker if the
  // handler reports it would block (Tread not in the memory cache or over
  // kMaxInlineRead; Tclunk of an open fid, whose release may commit: that
  // one runs inline when the connection is idle, as kInlineIfIdle).
  kTryInline,
  // One metadata transaction without file data: inline when no other
  // request of the connection is on a worker (it can only wait on the
  // engine's write back-pressure or an inode lock, and then no other
  // request of this client waits behind it), and with later frames already
  // read (pipelined requests that likely use its result) only a few times
  // in a row (Session::kMaxInlineRun).
  kInlineIfIdle,
  // May wait on the object store (Twrite's read-modify-write, Tfsync), on
  // the passwd database (Tattach), or is large (Treaddir).
  kWorker,
};

// Peeks at the type (and for Twalk, fid and newfid) of a frame whose header
// was checked. Tversion and Tflush belong to the session, not here.
Placement Place(std::string_view frame);

}  // namespace zerofs::ninep
