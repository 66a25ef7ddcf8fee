#include "cli/app.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "base/version.h"
#include "cli/report.h"
#include "cli/subcommands.h"

namespace zerofs::cli {

int Main(int argc, char** argv) {
  // Logs go to stderr, so that stdout carries only command output.
  spdlog::set_default_logger(spdlog::stderr_color_mt("zerofs"));
  CLI::App app{"ZeroFS: a filesystem and block devices on object storage"};
  app.name("zerofs");
  app.set_version_flag("--version", std::string("zerofs ") + kVersion);
  app.require_subcommand(0, 1);

  Action action;
  AddInitCommand(app, &action);
  AddRunCommand(app, &action);
  AddChangePasswordCommand(app, &action);
  AddFsckCommand(app, &action);
  AddMountCommand(app, &action);
  AddVersionCommand(app, &action);
  // After the subcommands, which would otherwise inherit it.
  app.footer("Run 'zerofs COMMAND --help' for the options of a command.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here as "errors" with exit code 0.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string command = "zerofs";
    for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
    std::cerr << "zerofs: " << e.what() << "\n"
              << "Run '" << command << " --help' for usage." << std::endl;
    return kExitUsage;
  }
  if (!action) {
    std::cerr << app.help();
    return kExitUsage;
  }
  return action();
}

}  // namespace zerofs::cli
