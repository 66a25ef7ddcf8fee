#include "config/env_substitution.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace zerofs::config {

namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name.front())) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

Error Invalid(std::string msg) { return Error(Code::kInvalidArgument, std::move(msg)); }

// The home directory from the passwd database, for services started without
// HOME in their environment.
std::optional<std::string> PasswdHome() {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
  struct passwd pw;
  struct passwd* found = nullptr;
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr ||
      found->pw_dir == nullptr || found->pw_dir[0] == '\0') {
    return std::nullopt;
  }
  return std::string(found->pw_dir);
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<std::string> SubstituteEnv(std::string_view value, const EnvLookup& env) {
  std::string out;
  out.reserve(value.size());
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      out += value[i++];
      continue;
    }
    size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Invalid("unterminated '${' (write '$${' for a literal '${')");
    }
    std::string name(value.substr(i + 2, close - i - 2));
    if (!IsValidName(name)) {
      return Invalid("invalid environment variable name '" + name +
                     "' (letters, digits and '_' only; write '$${' for a literal '${')");
    }
    std::optional<std::string> v = env(name);
    if (!v.has_value()) return Invalid("environment variable " + name + " is not set");
    out += *v;
    i = close + 1;
  }
  return out;
}

Result<std::string> ExpandHome(std::string_view path, const EnvLookup& env) {
  if (path != "~" && path.substr(0, 2) != "~/") return std::string(path);
  std::optional<std::string> home = env("HOME");
  if (!home.has_value() || home->empty()) home = PasswdHome();
  if (!home.has_value()) {
    return Invalid("cannot expand '~': HOME is not set and the user has no home directory");
  }
  std::string out = *home;
  while (!out.empty() && out.back() == '/') out.pop_back();
  std::string_view rest = path.substr(1);
  if (out.empty() && rest.empty()) return std::string("/");  // HOME=/ and path "~"
  out += rest;
  return out;
}

}  // namespace zerofs::config
