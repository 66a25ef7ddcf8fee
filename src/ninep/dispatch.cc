#include <spdlog/spdlog.h>

#include <cerrno>

#include "ninep/codec.h"
#include "ninep/errors.h"
#include "ninep/handlers.h"

namespace zerofs::ninep {

std::string Execute(RequestContext& ctx, uint16_t tag, const TMessage& msg) {
  HandlerResult r = std::visit([&](const auto& m) { return Handle(ctx, m); }, msg);
  if (!r.ok()) {
    spdlog::debug("9p: {} tag {}: {}", MsgTypeName(static_cast<uint8_t>(TypeOf(msg))), tag,
                  r.error().ToString());
    return EncodeResponse(tag, ToRlerror(r.error()));
  }
  return EncodeResponse(tag, r.value());
}

}  // namespace zerofs::ninep
