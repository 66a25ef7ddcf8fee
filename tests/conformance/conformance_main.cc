// zerofs-conformance: the POSIX conformance cases against real system calls
// on a directory of the local machine (or a FUSE/NFS/9P mount of ZeroFS).
//
//   zerofs-conformance --dir PATH [--filter SUBSTR] [--list] [--features a,b,-c]
//                      [--slow] [--verbose]
#include <cstdio>
#include <cstring>
#include <string>

#include "posix_ops.h"
#include "runner.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: zerofs-conformance --dir PATH [--filter SUBSTR] [--list]\n"
               "                          [--features a,b,-c] [--slow] [--verbose]\n");
  return 2;
}

void ParseFeatures(const std::string& list, zerofs::conformance::RunOptions* o) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string f = list.substr(start, end - start);
    if (!f.empty() && f[0] == '-') {
      o->disable.push_back(f.substr(1));
    } else if (!f.empty()) {
      o->enable.push_back(f[0] == '+' ? f.substr(1) : f);
    }
    start = end + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  zerofs::conformance::RunOptions options;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--dir" && has_value) {
      dir = argv[++i];
    } else if (a == "--filter" && has_value) {
      options.filter = argv[++i];
    } else if (a == "--features" && has_value) {
      ParseFeatures(argv[++i], &options);
    } else if (a == "--list") {
      options.list = true;
    } else if (a == "--slow") {
      options.slow = true;
    } else if (a == "--verbose" || a == "-v") {
      options.verbose = true;
    } else {
      return Usage();
    }
  }
  if (options.list) {
    zerofs::conformance::ListConformance(options);
    return 0;
  }
  if (dir.empty()) return Usage();

  zerofs::conformance::PosixOps ops(dir);
  if (!ops.ok()) {
    std::fprintf(stderr, "zerofs-conformance: cannot open %s: %s\n", dir.c_str(),
                 std::strerror(errno));
    return 2;
  }
  return zerofs::conformance::RunConformance(ops, options);
}
