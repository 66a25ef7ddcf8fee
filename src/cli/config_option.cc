#include "cli/config_option.h"

#include <CLI/CLI.hpp>

#include "cli/report.h"
#include "config/load_config.h"

namespace zerofs::cli {

void AddConfigOption(CLI::App* cmd, std::string* path) {
  cmd->add_option("-c,--config", *path, "Configuration file (see 'zerofs init')")
      ->required()
      ->envname("ZEROFS_CONFIG")
      ->type_name("FILE");
}

int WithConfig(const std::string& path, const std::function<int(const config::Config&)>& command) {
  Result<config::Config> config = config::LoadConfig(path);
  if (!config.ok()) {
    if (config.error().code() == Code::kNotFound) {
      return ReportError(config.error().context() + " (create one with 'zerofs init')");
    }
    return ReportError(config.error());
  }
  return command(*config);
}

}  // namespace zerofs::cli
