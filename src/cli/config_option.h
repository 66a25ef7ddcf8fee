// The `-c/--config FILE` option shared by commands that read zerofs.toml.
#pragma once

#include <functional>
#include <string>

#include "config/config.h"

namespace CLI {
class App;
}

namespace zerofs::cli {

// Adds the required option `-c,--config FILE` (also read from $ZEROFS_CONFIG)
// to `cmd`, storing the path in *path.
void AddConfigOption(CLI::App* cmd, std::string* path);

// Loads and validates the configuration at `path`. On failure prints the
// one-line error (with a hint to run `zerofs init` when the file is missing)
// and returns kExitFailure; otherwise returns `command(config)`.
int WithConfig(const std::string& path, const std::function<int(const config::Config&)>& command);

}  // namespace zerofs::cli
