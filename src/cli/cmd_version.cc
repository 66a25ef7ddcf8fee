// `zerofs version` (same as `zerofs --version`).

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/version.h"
#include "cli/report.h"
#include "cli/subcommands.h"

namespace zerofs::cli {

void AddVersionCommand(CLI::App& app, Action* action) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version and exit");
  cmd->callback([action] {
    *action = [] {
      std::cout << "zerofs " << kVersion << "\n";
      return kExitOk;
    };
  });
}

}  // namespace zerofs::cli
