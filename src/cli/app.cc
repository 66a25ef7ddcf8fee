#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/version.h"

namespace zerofs::cli {

int Main(int argc, char** argv) {
  CLI::App app{"ZeroFS: a filesystem and block devices on object storage"};
  app.set_version_flag("--version", std::string("zerofs ") + kVersion);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}

}  // namespace zerofs::cli
