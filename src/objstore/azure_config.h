// Everything an AzureStore needs, resolved from an azure:// (or az://) URL
// plus the [azure] settings and the standard environment variables.
//
// Never log an AzureConfig: it holds the account key or SAS token.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "objstore/cloud_options.h"
#include "objstore/http_client.h"
#include "objstore/url.h"

namespace zerofs::objstore {

struct AzureConfig {
  std::string container;
  std::string prefix;     // no leading or trailing '/'; empty = whole container
  std::string account;    // storage account name
  std::string endpoint;   // "https://acct.blob.core.windows.net" or
                          // "http://127.0.0.1:10000/devstoreaccount1"; no trailing '/'
  std::string key;        // decoded Shared Key; empty when using a SAS token
  std::string sas_token;  // "sv=...&sig=..." without '?'; used when key is empty
  HttpOptions http;

  // Unconditional and conditional objects of at least block_threshold bytes
  // go up as blocks of block_size (Put Block), max_parallel_blocks at a time,
  // committed by one Put Block List that carries the condition.
  uint64_t block_threshold = 64ull << 20;
  uint64_t block_size = 16ull << 20;
  int max_parallel_blocks = 4;

  // Tests only: block number `test_fail_block` (1-based) fails.
  int test_fail_block = 0;

  // "azure://container/prefix"
  std::string Url() const;
};

// azure:// settings: account from `azure` or AZURE_STORAGE_ACCOUNT_NAME; the
// account key (base64) from `azure` or AZURE_STORAGE_ACCOUNT_KEY, else a SAS
// token from `azure` or AZURE_STORAGE_SAS_TOKEN; endpoint from `azure` or
// AZURE_STORAGE_ENDPOINT, else https://<account>.blob.core.windows.net.
// Plain http:// endpoints need azure.allow_http. Errors are kInvalidArgument
// naming the URL (never the key).
Result<AzureConfig> AzureConfigFor(const StorageUrl& url, const AzureOptions& azure);

}  // namespace zerofs::objstore
