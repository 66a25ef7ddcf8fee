// How the CLI reports failures: one line "zerofs: <message>" on stderr.
#pragma once

#include <string_view>

#include "base/result.h"

namespace zerofs::cli {

// Exit codes of the zerofs process.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a reported error
inline constexpr int kExitUsage = 2;    // bad command line

// Prints "zerofs: <message>" to stderr and returns kExitFailure.
int ReportError(std::string_view message);

// The same for an Error: its context (which already says what failed), or
// its ToString() when it has none.
int ReportError(const Error& error);

}  // namespace zerofs::cli
