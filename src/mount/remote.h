// Path-based 9P operations with the reconnect retry (connection.h) built in:
// what the FUSE operations call.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "mount/connection.h"
#include "mount/node_table.h"
#include "ninep/client.h"

namespace zerofs::mount {

// Clunks a walked fid when the operation is over.
class FidGuard {
 public:
  FidGuard(ninep::Client* client, uint32_t fid) : client_(client), fid_(fid) {}
  ~FidGuard() {
    if (client_ != nullptr) client_->Clunk(fid_).Ignore();
  }
  FidGuard(const FidGuard&) = delete;
  FidGuard& operator=(const FidGuard&) = delete;
  // The fid now belongs to someone else (an open handle).
  uint32_t Release() {
    client_ = nullptr;
    return fid_;
  }

 private:
  ninep::Client* client_;
  uint32_t fid_;
};

class Remote {
 public:
  Remote(Connection* conn, NodeTable* nodes) : conn_(conn), nodes_(nodes) {}

  Connection& conn() { return *conn_; }
  NodeTable& nodes() { return *nodes_; }

  // A fresh fid for `path` (relative to the root, "" = root) walked from
  // `uid`'s root on `link`. The caller clunks it (FidGuard).
  Result<uint32_t> WalkPath(const Link& link, uint32_t uid, const std::string& path);

  // Runs f(client, fid) on a fid walked to `path`, clunked afterwards;
  // reconnects and retries like Connection::Run.
  template <typename F>
  auto AtPath(uint32_t uid, const std::string& path, F&& f)
      -> std::invoke_result_t<F, ninep::Client&, uint32_t> {
    return conn_->Run([&](const Link& link) -> std::invoke_result_t<F, ninep::Client&, uint32_t> {
      auto fid = WalkPath(link, uid, path);
      if (!fid.ok()) return fid.error();
      FidGuard guard(link.client.get(), *fid);
      return f(*link.client, *fid);
    });
  }

 private:
  Connection* conn_;
  NodeTable* nodes_;
};

}  // namespace zerofs::mount
