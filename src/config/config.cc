#include "config/config.h"

#include <cmath>
#include <limits>

namespace zerofs::config {

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kZstd:
      return "zstd";
    case Compression::kLz4:
      return "lz4";
  }
  return "unknown";
}

const char* NfsWriteModeName(NfsWriteMode m) {
  switch (m) {
    case NfsWriteMode::kSync:
      return "sync";
    case NfsWriteMode::kBuffered:
      return "buffered";
  }
  return "unknown";
}

const char* ReplicationModeName(ReplicationMode m) {
  switch (m) {
    case ReplicationMode::kWriter:
      return "writer";
    case ReplicationMode::kReplica:
      return "replica";
    case ReplicationMode::kStandby:
      return "standby";
  }
  return "unknown";
}

uint64_t GibToBytes(double gib) {
  if (!(gib > 0)) return 0;
  double bytes = std::ldexp(gib, 30);
  // 2^64 is exactly representable; anything at or above it saturates.
  if (bytes >= 18446744073709551616.0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(bytes);
}

}  // namespace zerofs::config
