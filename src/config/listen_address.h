// A "host:port" address a server listens on (or a peer to connect to).
//
// Accepted forms: "127.0.0.1:2049", "localhost:2049", "0.0.0.0:2049",
// "[::1]:2049", "[::]:2049". IPv6 literals must be in brackets because their
// colons would otherwise be ambiguous with the port separator. Host names are
// kept as written; resolving them is the server's job.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::config {

struct ListenAddress {
  std::string host;  // without brackets: "::1", not "[::1]"
  uint16_t port = 0;

  // Back to the accepted text form, bracketing IPv6 hosts: "[::1]:2049".
  std::string ToString() const;

  bool operator==(const ListenAddress&) const = default;
};

// Parses `text` as above. The port must be a decimal number in 1..65535; the
// host must be non-empty. Errors are kInvalidArgument with a one-line context
// that quotes `text` and says what is wrong.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace zerofs::config
