// The Azurite started by start-azurite.sh, as seen by the Azure integration
// tests: AZURE_TEST_ENDPOINT, AZURE_TEST_ACCOUNT and AZURE_TEST_KEY from the
// environment (run-azure-tests.sh sets them). Tests skip when they are
// missing.
#pragma once

#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

#include "objstore/azure_auth.h"
#include "objstore/azure_config.h"
#include "objstore/sigv4.h"

namespace zerofs::objstore::azuretest {

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

inline bool HaveServer() { return !Env("AZURE_TEST_ENDPOINT").empty(); }

inline std::string RandomName() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

// All tests share one container; each works under a fresh random prefix.
inline constexpr char kContainer[] = "zerofs-test";

inline AzureConfig TestConfig(const std::string& prefix_hint) {
  AzureConfig c;
  c.container = kContainer;
  c.prefix = "t" + RandomName() + "/" + prefix_hint;
  c.account = Env("AZURE_TEST_ACCOUNT");
  c.endpoint = Env("AZURE_TEST_ENDPOINT");
  c.key = azure::Base64Decode(Env("AZURE_TEST_KEY")).value_or("");
  return c;
}

// An account SAS (service b, resource types s/c/o, permissions
// read/add/create/write/delete/list) valid for an hour, signed with the test
// key as "Create an account SAS" describes (version 2020-12-06 and later
// sign an empty encryption-scope line).
inline std::string AccountSas(const std::string& permissions = "racwdl") {
  std::time_t now = std::time(nullptr);
  auto iso = [](std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  const std::string version = "2021-12-02";
  const std::string start = iso(now - 300), expiry = iso(now + 3600);
  std::string to_sign = Env("AZURE_TEST_ACCOUNT") + "\n" + permissions + "\nb\nsco\n" + start +
                        "\n" + expiry + "\n\nhttps,http\n" + version + "\n\n";
  std::string key = azure::Base64Decode(Env("AZURE_TEST_KEY")).value_or("");
  std::string sig = azure::Base64Encode(sigv4::HmacSha256(key, to_sign));
  return "sv=" + version + "&ss=b&srt=sco&sp=" + permissions +
         "&st=" + sigv4::UriEncode(start, false) + "&se=" + sigv4::UriEncode(expiry, false) +
         "&spr=https,http&sig=" + sigv4::UriEncode(sig, false);
}

}  // namespace zerofs::objstore::azuretest
