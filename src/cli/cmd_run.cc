// `zerofs run -c FILE`: Serve the filesystem over the servers configured in FILE (NFS, 9P, NBD...)
// until interrupted.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "cli/subcommands.h"

namespace zerofs::cli {

void AddRunCommand(CLI::App& app, Action* action) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("run",
                                     "Serve the filesystem over the servers configured in FILE "
                                     "(NFS, 9P, NBD...) until interrupted");
  AddConfigOption(cmd, config_path.get());
  cmd->callback([config_path, action] {
    *action = [config_path] { return WithConfig(*config_path, RunServer); };
  });
}

}  // namespace zerofs::cli
