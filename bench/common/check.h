// Fatal-error helpers shared by the benchmark programs: a benchmark that
// meets an error has no figure to print, so it says why and exits 1.
// Messages start with the program's name. Header-only.
#pragma once

#include <errno.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "base/result.h"

namespace zerofs::bench {

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

inline void Check(Status s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.error().ToString());
}

}  // namespace zerofs::bench
