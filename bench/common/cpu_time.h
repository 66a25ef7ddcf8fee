// Process CPU time (user + system, every thread), so a benchmark can report
// throughput per CPU second next to wall-clock throughput: on a machine that
// is busy with other work the wall-clock figures move, the CPU cost does not
// (much). Header-only.
#pragma once

#include <sys/resource.h>

namespace zerofs::bench {

inline double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace zerofs::bench
