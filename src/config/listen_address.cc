#include "config/listen_address.h"

#include <charconv>

namespace zerofs::config {

namespace {

Error BadAddress(std::string_view text, std::string_view why) {
  std::string msg = "invalid address '";
  msg += text;
  msg += "': ";
  msg += why;
  return Error(Code::kInvalidArgument, std::move(msg));
}

// The port is plain decimal digits: no sign, no spaces, no hex.
Result<uint16_t> ParsePort(std::string_view text, std::string_view port) {
  if (port.empty()) return BadAddress(text, "missing port after ':'");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return BadAddress(text, "port must be in 1..65535");
  }
  if (ec != std::errc() || end != port.data() + port.size()) {
    return BadAddress(text, "port is not a number");
  }
  if (value < 1 || value > 65535) return BadAddress(text, "port must be in 1..65535");
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string ListenAddress::ToString() const {
  std::string out;
  if (host.find(':') != std::string::npos) {
    out = "[" + host + "]";
  } else {
    out = host;
  }
  out += ":";
  out += std::to_string(port);
  return out;
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  constexpr std::string_view kForm = "expected HOST:PORT (IPv6 as [ADDRESS]:PORT)";
  ListenAddress addr;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return BadAddress(text, "missing ']' after IPv6 address");
    addr.host = std::string(text.substr(1, close - 1));
    if (addr.host.empty()) return BadAddress(text, "empty host");
    if (addr.host.find(':') == std::string::npos) {
      return BadAddress(text, "only IPv6 addresses go in brackets");
    }
    if (addr.host.find_first_of("[]") != std::string::npos) return BadAddress(text, kForm);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return BadAddress(text, "missing ':PORT' after ']'");
    port = rest.substr(1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return BadAddress(text, kForm);
    if (text.find(':') != colon) {
      return BadAddress(text, "IPv6 addresses must be in brackets, e.g. [::1]:2049");
    }
    addr.host = std::string(text.substr(0, colon));
    if (addr.host.empty()) return BadAddress(text, "empty host (use 0.0.0.0 for all interfaces)");
    port = text.substr(colon + 1);
  }
  for (char c : addr.host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/') {
      return BadAddress(text, "host contains a space, control character or '/'");
    }
  }
  ZFS_ASSIGN_OR_RETURN(addr.port, ParsePort(text, port));
  return addr;
}

}  // namespace zerofs::config
