// Non-blocking gather send for servers whose finishing thread writes the
// reply itself (NFS, 9P): what the socket takes now goes out at once, the
// caller queues the rest for the connection's writer.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>
#include <string_view>

namespace zerofs::net {

// Sends the concatenation of `parts` pieces (`part(i)` returns piece i as a
// string_view) from byte *sent on, as far as the socket takes it without
// blocking, and advances *sent. Returns false if the socket is broken.
template <typename Part>
bool SendWithoutBlocking(int fd, size_t parts, Part&& part, size_t* sent) {
  constexpr size_t kMaxIov = 64;
  iovec iov[kMaxIov];
  for (;;) {
    size_t n_iov = 0;
    size_t skip = *sent;
    for (size_t i = 0; i < parts && n_iov < kMaxIov; i++) {
      const std::string_view p = part(i);
      if (skip >= p.size()) {
        skip -= p.size();
        continue;
      }
      iov[n_iov++] = iovec{const_cast<char*>(p.data()) + skip, p.size() - skip};
      skip = 0;
    }
    if (n_iov == 0) return true;  // everything is sent
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n_iov;
    const ssize_t n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      *sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;
    }
  }
}

}  // namespace zerofs::net
