// Reading zerofs.toml into a Config.
//
// The loader is strict so that mistakes surface at startup, not as surprising
// behaviour later:
//   - TOML syntax errors:   "zerofs.toml:3:7: <toml++'s description>"
//   - unknown keys:         "zerofs.toml: unknown key 'servers.nfs.adresses'
//                            (did you mean 'addresses'?)"
//   - wrong types:          "zerofs.toml: servers.nbd.addresses: expected an
//                            array of strings, got integer"
//   - unset ${VAR}:         "zerofs.toml: storage.encryption_password:
//                            environment variable ZEROFS_PASSWORD is not set"
//   - bad values:           ports outside 1..65535, unknown compression,
//                            negative sizes, missing storage.url, ...
// Every error is kInvalidArgument (kNotFound / kIoError when the file cannot
// be read) and its context is exactly one line, ready to print after
// "zerofs: ". String syntax (${VAR}, $${, ~) is in config/env_substitution.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "config/env_substitution.h"

namespace zerofs::config {

// Reads and parses the file at `path`; error messages name it as given.
Result<Config> LoadConfig(const std::string& path);
Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

// Parses `text`; `origin` names it in error messages (usually the path).
Result<Config> ParseConfig(std::string_view text, std::string_view origin);
Result<Config> ParseConfig(std::string_view text, std::string_view origin, const EnvLookup& env);

// Every key the loader accepts, as full dotted names ("servers.nfs.addresses").
std::vector<std::string> KnownKeys();

}  // namespace zerofs::config
