// The commands that need the storage engine. The CLI wiring (cmd_*.cc) has
// already loaded and validated the configuration when it calls these.
//
// Each prints its own progress and errors ("zerofs: <message>" on stderr,
// see cli/report.h) and returns the process exit code: 0 on success, 1 on
// failure. commands_pending.cc holds placeholders until the real ones land.
#pragma once

#include "config/config.h"

namespace zerofs::cli {

// `zerofs run`: opens the store and serves it until SIGINT/SIGTERM.
int RunServer(const config::Config& config);

// `zerofs change-password`: re-wraps the data key under a new password.
int ChangePassword(const config::Config& config);

// `zerofs fsck`: verifies every reference and frame in the store.
int Fsck(const config::Config& config);

}  // namespace zerofs::cli
