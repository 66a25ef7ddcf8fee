#include <spdlog/spdlog.h>

#include <cerrno>

#include "base/protocol_metrics.h"
#include "ninep/codec.h"
#include "ninep/errors.h"
#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

metrics::ProtocolMetrics& Metrics() {
  static metrics::ProtocolMetrics* m = new metrics::ProtocolMetrics("9p");
  return *m;
}

}  // namespace

std::string Execute(RequestContext& ctx, uint16_t tag, const TMessage& msg) {
  const auto start = metrics::ProtocolMetrics::Clock::now();
  HandlerResult r = std::visit([&](const auto& m) { return Handle(ctx, m); }, msg);
  const uint8_t type = static_cast<uint8_t>(TypeOf(msg));
  Metrics().Record(type, MsgTypeName(type), start, r.ok());
  if (r.ok()) {
    if (const auto* read = std::get_if<Rread>(&r.value())) Metrics().AddRead(read->data.size());
    if (const auto* write = std::get_if<Twrite>(&msg)) Metrics().AddWritten(write->data.size());
  }
  if (!r.ok()) {
    spdlog::debug("9p: {} tag {}: {}", MsgTypeName(static_cast<uint8_t>(TypeOf(msg))), tag,
                  r.error().ToString());
    return EncodeResponse(tag, ToRlerror(r.error()));
  }
  return EncodeResponse(tag, r.value());
}

}  // namespace zerofs::ninep
