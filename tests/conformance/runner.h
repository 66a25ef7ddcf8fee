// Runs the registered cases against any Ops backend.
#pragma once

#include <string>
#include <vector>

#include "ops.h"

namespace zerofs::conformance {

struct RunOptions {
  std::string filter;                // substring of "topic: rule"; empty runs all
  std::vector<std::string> enable;   // features forced on (--features a)
  std::vector<std::string> disable;  // features forced off (--features -a)
  bool slow = false;                 // also run cases marked kSlow
  bool list = false;                 // print the matching cases instead of running
  bool verbose = false;              // one line per case, not only failures
};

// Each case runs in its own fresh directory directly under the backend root
// and is removed afterwards. Prints one line per failure and finally
// "conformance: N passed, M failed, K skipped". Returns 0 when nothing failed.
int RunConformance(Ops& ops, const RunOptions& options);

// Prints the cases matching options.filter with the features they need,
// without touching any backend.
void ListConformance(const RunOptions& options);

}  // namespace zerofs::conformance
