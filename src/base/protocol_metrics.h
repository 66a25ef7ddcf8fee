// Per-protocol operation metrics (issue 9): for each operation of a
// protocol (9P message type, NFS procedure, NBD command) a count, an error
// count and a latency histogram, plus the data bytes read and written
// through the protocol. Series:
//   zerofs_protocol_ops_total{protocol,op}
//   zerofs_protocol_errors_total{protocol,op}
//   zerofs_protocol_op_seconds{protocol,op}
//   zerofs_protocol_read_bytes_total{protocol}, ..._written_bytes_total
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/metrics.h"

namespace zerofs::metrics {

class ProtocolMetrics {
 public:
  using Clock = std::chrono::steady_clock;
  // Operation numbers are below this; larger ones share one slot.
  static constexpr size_t kMaxOps = 256;

  explicit ProtocolMetrics(std::string protocol, Registry* registry = &Registry::Global());
  ProtocolMetrics(const ProtocolMetrics&) = delete;
  ProtocolMetrics& operator=(const ProtocolMetrics&) = delete;

  // Records one finished operation `op` (a small number unique within the
  // protocol) whose label is `name`. Lock-free after the first call per op.
  void Record(uint32_t op, std::string_view name, Clock::time_point start, bool ok);
  void AddRead(uint64_t bytes) { read_->Inc(bytes); }
  void AddWritten(uint64_t bytes) { written_->Inc(bytes); }

 private:
  struct Op {
    Counter* count;
    Counter* errors;
    Histogram* latency;
  };
  Op* Slot(uint32_t op, std::string_view name);

  const std::string protocol_;
  Registry* const registry_;
  Counter* read_;
  Counter* written_;
  std::array<std::atomic<Op*>, kMaxOps + 1> ops_{};
  std::mutex mu_;                           // serializes slot creation
  std::vector<std::unique_ptr<Op>> owned_;  // guarded by mu_
};

}  // namespace zerofs::metrics
