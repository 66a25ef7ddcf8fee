// The NFS server's per-procedure metrics (base/protocol_metrics.h).
#pragma once

#include "base/protocol_metrics.h"

namespace zerofs::nfs {

inline metrics::ProtocolMetrics& NfsMetrics() {
  static metrics::ProtocolMetrics* m = new metrics::ProtocolMetrics("nfs");
  return *m;
}

}  // namespace zerofs::nfs
