#include "objstore/azure_config.h"

#include <cctype>
#include <cstdlib>

#include "objstore/azure_auth.h"

namespace zerofs::objstore {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string FirstOf(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

bool ValidAccount(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

// Azure's rule: 3-63 of a-z, 0-9 and '-', starting with a letter or digit.
bool ValidContainer(std::string_view name) {
  if (name.size() < 3 || name.size() > 63 || name.front() == '-') return false;
  for (char c : name) {
    if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string AzureConfig::Url() const {
  std::string out = "azure://" + container;
  if (!prefix.empty()) out += "/" + prefix;
  return out;
}

Result<AzureConfig> AzureConfigFor(const StorageUrl& url, const AzureOptions& azure) {
  AzureConfig c;
  c.container = url.bucket;
  c.prefix = url.prefix;
  const std::string text = c.Url();
  if (!ValidContainer(c.container)) {
    return Error(Code::kInvalidArgument, text + ": invalid Azure container name '" + c.container +
                                             "' (3 to 63 lower-case letters, digits and '-')");
  }
  c.account = FirstOf(azure.account_name, Env("AZURE_STORAGE_ACCOUNT_NAME"));
  if (c.account.empty()) {
    return Error(Code::kInvalidArgument,
                 text +
                     ": no Azure storage account: set storage_account_name in [azure], or "
                     "AZURE_STORAGE_ACCOUNT_NAME");
  }
  if (!ValidAccount(c.account)) {
    return Error(Code::kInvalidArgument,
                 text + ": invalid Azure storage account name '" + c.account + "'");
  }
  std::string key = FirstOf(azure.account_key, Env("AZURE_STORAGE_ACCOUNT_KEY"));
  std::string sas = FirstOf(azure.sas_token, Env("AZURE_STORAGE_SAS_TOKEN"));
  if (!key.empty()) {
    std::optional<std::string> decoded = azure::Base64Decode(key);
    if (!decoded || decoded->empty()) {
      return Error(Code::kInvalidArgument,
                   text +
                       ": the Azure storage account key is not valid base64 (copy it "
                       "unchanged from the portal's \"Access keys\")");
    }
    c.key = std::move(*decoded);
  } else if (!sas.empty()) {
    while (!sas.empty() && sas.front() == '?') sas.erase(0, 1);
    if (sas.find("sig=") == std::string::npos) {
      return Error(Code::kInvalidArgument,
                   text + ": the Azure SAS token has no sig= parameter (expected sv=...&sig=...)");
    }
    c.sas_token = std::move(sas);
  } else {
    return Error(Code::kInvalidArgument,
                 text +
                     ": no Azure credentials: set storage_account_key or sas_token in [azure], "
                     "or AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN");
  }
  std::string endpoint = FirstOf(azure.endpoint, Env("AZURE_STORAGE_ENDPOINT"));
  if (endpoint.empty()) endpoint = "https://" + c.account + ".blob.core.windows.net";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.starts_with("http://")) {
    if (!azure.allow_http) {
      return Error(Code::kInvalidArgument,
                   text + ": endpoint " + endpoint +
                       " uses plain HTTP (requests and data travel unencrypted); set [azure] "
                       "allow_http = true to allow it, or use https://");
    }
  } else if (!endpoint.starts_with("https://")) {
    return Error(Code::kInvalidArgument,
                 text + ": endpoint '" + endpoint + "' must start with https:// or http://");
  }
  c.endpoint = std::move(endpoint);
  return c;
}

}  // namespace zerofs::objstore
