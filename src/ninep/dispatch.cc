#include <spdlog/spdlog.h>

#include <cerrno>

#include "base/coding.h"
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

// Rread as {header with count, data}: the data stays where the handler put
// it (ctx.scratch) instead of being copied into one frame.
EncodedReply EncodeRread(RequestContext& ctx, uint16_t tag, std::string_view data) {
  EncodedReply out;
  out.head = EncodeResponse(tag, Rread{});  // size[4] type[1] tag[2] count[4]
  if (data.data() == ctx.scratch.data() && data.size() == ctx.scratch.size()) {
    out.tail = std::move(ctx.scratch);
  } else {
    out.tail = std::string(data);
  }
  std::string fixed;
  PutLE32(&fixed, static_cast<uint32_t>(out.head.size() + out.tail.size()));
  out.head.replace(0, 4, fixed);
  fixed.clear();
  PutLE32(&fixed, static_cast<uint32_t>(out.tail.size()));
  out.head.replace(out.head.size() - 4, 4, fixed);
  return out;
}

}  // namespace

std::optional<EncodedReply> Execute(RequestContext& ctx, uint16_t tag, const TMessage& msg) {
  const auto start = metrics::ProtocolMetrics::Clock::now();
  HandlerResult r = std::visit([&](const auto& m) { return Handle(ctx, m); }, msg);
  if (ctx.would_block) return std::nullopt;  // the worker runs it again and records it
  const uint8_t type = static_cast<uint8_t>(TypeOf(msg));
  Metrics().Record(type, MsgTypeName(type), start, r.ok());
  if (!r.ok()) {
    spdlog::debug("9p: {} tag {}: {}", MsgTypeName(type), tag, r.error().ToString());
    return EncodedReply{EncodeResponse(tag, ToRlerror(r.error())), {}};
  }
  if (const auto* write = std::get_if<Twrite>(&msg)) Metrics().AddWritten(write->data.size());
  if (const auto* read = std::get_if<Rread>(&r.value())) {
    Metrics().AddRead(read->data.size());
    return EncodeRread(ctx, tag, read->data);
  }
  return EncodedReply{EncodeResponse(tag, r.value()), {}};
}

}  // namespace zerofs::ninep
