// Large blobs as Put Block + Put Block List: the data is cut into
// config.block_size blocks, uploaded max_parallel_blocks at a time (each
// block retried a few times on retryable errors), then committed by one
// Put Block List that carries the put's condition (If-None-Match: * or
// If-Match), which Azure evaluates atomically at commit. A failed upload
// needs no abort: uncommitted blocks are discarded by the service (after a
// week, or by the next commit of that blob).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "objstore/azure_client.h"

namespace zerofs::objstore {

// Returns the committed blob's ETag (no quotes).
Result<std::string> BlockPut(AzureClient& client, const std::string& full_blob,
                             std::string_view data, const PutOptions& options);

// The conditional headers for `options` (shared with single Put Blob).
azure::Params ConditionHeaders(const PutOptions& options);

}  // namespace zerofs::objstore
