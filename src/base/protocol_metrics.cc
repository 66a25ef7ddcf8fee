#include "base/protocol_metrics.h"

namespace zerofs::metrics {

ProtocolMetrics::ProtocolMetrics(std::string protocol, Registry* registry)
    : protocol_(std::move(protocol)), registry_(registry) {
  const Labels labels = {{"protocol", protocol_}};
  read_ = registry_->GetCounter("zerofs_protocol_read_bytes_total",
                                "File or device bytes read through a protocol.", labels);
  written_ = registry_->GetCounter("zerofs_protocol_written_bytes_total",
                                   "File or device bytes written through a protocol.", labels);
}

ProtocolMetrics::Op* ProtocolMetrics::Slot(uint32_t op, std::string_view name) {
  const size_t i = op < kMaxOps ? op : kMaxOps;
  if (Op* o = ops_[i].load(std::memory_order_acquire)) return o;
  std::lock_guard<std::mutex> lock(mu_);
  if (Op* o = ops_[i].load(std::memory_order_acquire)) return o;
  const Labels labels = {{"protocol", protocol_},
                         {"op", i == kMaxOps ? std::string("other") : std::string(name)}};
  auto o = std::make_unique<Op>();
  o->count = registry_->GetCounter("zerofs_protocol_ops_total",
                                   "Protocol operations served, by operation.", labels);
  o->errors = registry_->GetCounter("zerofs_protocol_errors_total",
                                    "Protocol operations answered with an error.", labels);
  o->latency = registry_->GetHistogram("zerofs_protocol_op_seconds",
                                       "Protocol operation latency, by operation.", labels);
  ops_[i].store(o.get(), std::memory_order_release);
  owned_.push_back(std::move(o));
  return owned_.back().get();
}

void ProtocolMetrics::Record(uint32_t op, std::string_view name, Clock::time_point start, bool ok) {
  Op* o = Slot(op, name);
  o->count->Inc();
  if (!ok) o->errors->Inc();
  o->latency->ObserveSince(start);
}

}  // namespace zerofs::metrics
