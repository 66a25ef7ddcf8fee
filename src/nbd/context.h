// What every connection of one NBD server shares. Owned by the server
// (server.cc); outlives every connection.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "nbd/exports.h"
#include "nbd/limits.h"

namespace zerofs::nbd {

namespace asio = boost::asio;

struct ServerContext {
  Exports* exports = nullptr;                // the /.nbd directory
  boost::asio::thread_pool* pool = nullptr;  // runs every filesystem call
  NbdLimits limits;
};

}  // namespace zerofs::nbd
