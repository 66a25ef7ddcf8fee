// `zerofs fsck -c FILE`: Verify every reference and frame in the store and report damage.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "cli/subcommands.h"

namespace zerofs::cli {

void AddFsckCommand(CLI::App& app, Action* action) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("fsck", "Verify every reference and frame in the store and report damage");
  AddConfigOption(cmd, config_path.get());
  cmd->callback([config_path, action] {
    *action = [config_path] { return WithConfig(*config_path, Fsck); };
  });
}

}  // namespace zerofs::cli
