// Environment references in configuration strings.
//
// Syntax, applied to every string value in the file (also inside arrays):
//   ${NAME}   replaced by the value of environment variable NAME. NAME is
//             [A-Za-z_][A-Za-z0-9_]*. Any number may appear anywhere in a
//             string. A variable that is set but empty yields "".
//   $${       a literal "${" (so "$${HOME}" stays "${HOME}").
//   $         any other '$' is literal ("pa$$word" is unchanged).
// An unset variable, an unterminated "${" or a bad name is an error; nothing
// is ever silently replaced by "".
//
// Path-valued keys additionally get home expansion: a value that is exactly
// "~" or starts with "~/" has the "~" replaced by $HOME (or the passwd entry
// of the current user when HOME is unset). "~user" forms are not supported.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::config {

// Returns the value of a variable, or nullopt when it is not set. Tests pass
// their own; ProcessEnv() reads the real environment with getenv().
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// Errors are kInvalidArgument with a context such as
// "environment variable ZEROFS_PASSWORD is not set" (the caller adds the key).
Result<std::string> SubstituteEnv(std::string_view value, const EnvLookup& env);

// Home expansion as described above; other values are returned unchanged.
Result<std::string> ExpandHome(std::string_view path, const EnvLookup& env);

}  // namespace zerofs::config
