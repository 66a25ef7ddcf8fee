// [servers.*]: which servers run and where they listen.

#include <sys/un.h>

#include <string>
#include <vector>

#include "config/config_schema.h"
#include "config/section_readers.h"

namespace zerofs::config {

namespace {

// Reads `addresses`. With the key absent the server listens on localhost at
// `default_port`, unless it has a Unix socket (then it listens only there).
// An explicit empty list is allowed only next to a Unix socket.
Status ReadAddresses(const TableReader& r, uint16_t default_port, bool has_socket,
                     std::string_view what, std::vector<ListenAddress>* out) {
  if (!r.Has("addresses")) {
    if (!has_socket) out->push_back(ListenAddress{"127.0.0.1", default_port});
    return OkStatus();
  }
  ZFS_RETURN_IF_ERROR(r.GetAddresses("addresses", out));
  if (out->empty() && !has_socket) {
    return r.KeyError("addresses", "is empty; list at least one \"host:port\", or remove [" +
                                       r.path() + "] to disable the " + std::string(what) +
                                       " server");
  }
  return OkStatus();
}

Status ReadUnixSocket(const TableReader& r, std::string* out) {
  if (!r.Has("unix_socket")) return OkStatus();
  ZFS_RETURN_IF_ERROR(r.GetPath("unix_socket", out));
  if (out->empty())
    return r.KeyError("unix_socket", "must not be empty (leave the key out instead)");
  constexpr size_t kMax = sizeof(sockaddr_un{}.sun_path) - 1;
  if (out->size() > kMax) {
    return r.KeyError("unix_socket", "path is " + std::to_string(out->size()) +
                                         " bytes; a Unix socket path may have at most " +
                                         std::to_string(kMax));
  }
  return OkStatus();
}

struct Endpoint {
  std::string key;  // "servers.nfs.addresses[0]" or "servers.nbd.unix_socket"
  std::string text;
};

void AddAddresses(const std::string& section, const std::vector<ListenAddress>& addresses,
                  std::vector<Endpoint>* out) {
  for (size_t i = 0; i < addresses.size(); ++i) {
    out->push_back({section + ".addresses[" + std::to_string(i) + "]", addresses[i].ToString()});
  }
}

// Two servers (or one server twice) cannot listen on the same address or
// socket; say so now rather than as EADDRINUSE at startup.
Status CheckNoSharedEndpoints(const ServersConfig& s) {
  std::vector<Endpoint> all;
  if (s.nfs) AddAddresses("servers.nfs", s.nfs->addresses, &all);
  if (s.ninep) {
    AddAddresses("servers.ninep", s.ninep->addresses, &all);
    if (!s.ninep->unix_socket.empty()) {
      all.push_back({"servers.ninep.unix_socket", "unix:" + s.ninep->unix_socket});
    }
  }
  if (s.nbd) {
    AddAddresses("servers.nbd", s.nbd->addresses, &all);
    if (!s.nbd->unix_socket.empty()) {
      all.push_back({"servers.nbd.unix_socket", "unix:" + s.nbd->unix_socket});
    }
  }
  if (s.webui) AddAddresses("servers.webui", s.webui->addresses, &all);
  if (s.metrics) AddAddresses("servers.metrics", s.metrics->addresses, &all);
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (all[i].text == all[j].text) {
        return Error(Code::kInvalidArgument,
                     all[i].key + ": " + all[i].text + " is already used by " + all[j].key);
      }
    }
  }
  return OkStatus();
}

}  // namespace

Status ReadServers(const TableReader& r, ServersConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kServers));

  ZFS_ASSIGN_OR_RETURN(TableReader nfs, r.Table("nfs"));
  if (nfs.present()) {
    ZFS_RETURN_IF_ERROR(nfs.RejectUnknown(schema::kNfs));
    NfsServerConfig c;
    ZFS_RETURN_IF_ERROR(ReadAddresses(nfs, kDefaultNfsPort, false, "NFS", &c.addresses));
    if (nfs.Has("write_mode")) {
      std::string mode;
      ZFS_RETURN_IF_ERROR(nfs.GetString("write_mode", &mode));
      if (mode == "sync") {
        c.write_mode = NfsWriteMode::kSync;
      } else if (mode == "buffered") {
        c.write_mode = NfsWriteMode::kBuffered;
      } else {
        return nfs.KeyError("write_mode",
                            "unknown mode '" + mode + "' (expected \"sync\" or \"buffered\")");
      }
    }
    out->nfs = std::move(c);
  }

  ZFS_ASSIGN_OR_RETURN(TableReader ninep, r.Table("ninep"));
  if (ninep.present()) {
    ZFS_RETURN_IF_ERROR(ninep.RejectUnknown(schema::kNinep));
    NinepServerConfig c;
    ZFS_RETURN_IF_ERROR(ReadUnixSocket(ninep, &c.unix_socket));
    ZFS_RETURN_IF_ERROR(
        ReadAddresses(ninep, kDefaultNinepPort, !c.unix_socket.empty(), "9P", &c.addresses));
    out->ninep = std::move(c);
  }

  ZFS_ASSIGN_OR_RETURN(TableReader nbd, r.Table("nbd"));
  if (nbd.present()) {
    ZFS_RETURN_IF_ERROR(nbd.RejectUnknown(schema::kNbd));
    NbdServerConfig c;
    ZFS_RETURN_IF_ERROR(ReadUnixSocket(nbd, &c.unix_socket));
    ZFS_RETURN_IF_ERROR(
        ReadAddresses(nbd, kDefaultNbdPort, !c.unix_socket.empty(), "NBD", &c.addresses));
    ZFS_RETURN_IF_ERROR(nbd.GetUint32("busy_poll_us", 0, 10000, &c.busy_poll_us));
    out->nbd = std::move(c);
  }

  ZFS_ASSIGN_OR_RETURN(TableReader webui, r.Table("webui"));
  if (webui.present()) {
    ZFS_RETURN_IF_ERROR(webui.RejectUnknown(schema::kWebUi));
    WebUiServerConfig c;
    ZFS_RETURN_IF_ERROR(ReadAddresses(webui, kDefaultWebUiPort, false, "web UI", &c.addresses));
    out->webui = std::move(c);
  }

  ZFS_ASSIGN_OR_RETURN(TableReader metrics, r.Table("metrics"));
  if (metrics.present()) {
    ZFS_RETURN_IF_ERROR(metrics.RejectUnknown(schema::kMetrics));
    MetricsServerConfig c;
    ZFS_RETURN_IF_ERROR(
        ReadAddresses(metrics, kDefaultMetricsPort, false, "metrics", &c.addresses));
    out->metrics = std::move(c);
  }

  return CheckNoSharedEndpoints(*out);
}

}  // namespace zerofs::config
