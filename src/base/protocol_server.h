// What `zerofs run` holds for each running protocol server (NFS, 9P, NBD,
// web console, metrics).
#pragma once

#include <string>
#include <vector>

namespace zerofs {

class ProtocolServer {
 public:
  virtual ~ProtocolServer() = default;
  // Where it listens, e.g. "127.0.0.1:10809", "unix:/run/zerofs.sock".
  virtual std::vector<std::string> Endpoints() const = 0;
  // Stops accepting, closes connections and waits for requests in flight.
  // Idempotent; the destructor calls it.
  virtual void Stop() = 0;
};

}  // namespace zerofs
