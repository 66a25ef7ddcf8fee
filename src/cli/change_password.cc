// `zerofs change-password -c FILE`: rewraps the store's data key under a new
// password read from stdin. No data is rewritten; the key file is replaced
// by compare-and-swap, so a concurrent change cannot be lost silently.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "cli/report.h"
#include "crypto/key_file.h"

namespace zerofs::cli {

namespace {

constexpr char kKeyFile[] = "zerofs.key";

// Reads one line; on a terminal, without echo.
bool ReadSecretLine(const char* prompt, std::string* out) {
  const bool tty = ::isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool ok = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

}  // namespace

int ChangePassword(const config::Config& config) {
  std::string password;
  if (!ReadSecretLine("New password: ", &password)) {
    return ReportError("no new password on standard input");
  }
  if (password.empty()) return ReportError("the new password is empty");
  if (::isatty(STDIN_FILENO)) {
    std::string again;
    if (!ReadSecretLine("Repeat new password: ", &again) || again != password) {
      return ReportError("the passwords do not match; nothing changed");
    }
  }

  auto store = OpenConfiguredStore(config);
  if (!store.ok()) return ReportError(store.error());
  auto current = (*store)->Get(kKeyFile);
  if (!current.ok()) {
    if (current.error().code() == Code::kNotFound) {
      return ReportError("no ZeroFS store at " + config.storage.url + " (" + kKeyFile +
                         " not found); nothing changed");
    }
    return ReportError(current.error());
  }
  auto rewrapped = crypto::RewrapKeyFile(current->data, config.storage.encryption_password,
                                         password, crypto::KdfParamsFromEnv());
  if (!rewrapped.ok()) {
    return ReportError(rewrapped.error().Wrap("storage.encryption_password"));
  }
  objstore::PutOptions cas;
  cas.mode = objstore::PutMode::kIfMatch;
  cas.etag = current->etag;
  auto put = (*store)->Put(kKeyFile, *rewrapped, cas);
  if (!put.ok()) {
    if (put.error().code() == Code::kPreconditionFailed) {
      return ReportError(
          "the key file changed while rewrapping (another change-password?); "
          "nothing changed, try again");
    }
    return ReportError(put.error());
  }
  std::cout << "zerofs: password changed for " << config.storage.url
            << "; set storage.encryption_password to the new password in your config" << std::endl;
  return kExitOk;
}

}  // namespace zerofs::cli
