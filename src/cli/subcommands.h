// Registration of each subcommand with the CLI11 parser (one cmd_*.cc each).
//
// Add*Command adds the subcommand and its options to `app`. When the command
// line selects it, parsing stores in *action what to run; Main() calls the
// action once parsing has succeeded and exits with its result.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace zerofs::cli {

using Action = std::function<int()>;

void AddInitCommand(CLI::App& app, Action* action);
void AddRunCommand(CLI::App& app, Action* action);
void AddChangePasswordCommand(CLI::App& app, Action* action);
void AddFsckCommand(CLI::App& app, Action* action);
void AddVersionCommand(CLI::App& app, Action* action);
void AddMountCommand(CLI::App& app, Action* action);

}  // namespace zerofs::cli
