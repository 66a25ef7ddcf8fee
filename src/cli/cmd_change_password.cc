// `zerofs change-password -c FILE`: Re-encrypt the data key under a new password (the data is not
// rewritten).

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "cli/subcommands.h"

namespace zerofs::cli {

void AddChangePasswordCommand(CLI::App& app, Action* action) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "change-password",
      "Re-encrypt the data key under a new password (the data is not rewritten)");
  AddConfigOption(cmd, config_path.get());
  cmd->callback([config_path, action] {
    *action = [config_path] { return WithConfig(*config_path, ChangePassword); };
  });
}

}  // namespace zerofs::cli
