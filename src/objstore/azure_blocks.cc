#include "objstore/azure_blocks.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "objstore/azure_xml.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {
namespace {

constexpr int kBlockAttempts = 3;

// Block ids: base64 of "<16 hex random upload id>-<6 digit index>", all the
// same length (Azure requires it within a blob). The random part keeps two
// concurrent uploads of one blob from committing each other's blocks.
std::string BlockId(const std::string& upload, int index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s-%06d", upload.c_str(), index);
  return azure::Base64Encode(buf);
}

std::string RandomUploadId() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

Status PutBlock(AzureClient& client, const std::string& blob, const std::string& id, int number,
                std::string_view bytes) {
  if (client.config().test_fail_block == number) {
    return Error(Code::kIoError, "block PUT " + client.Target(blob) + ": block " +
                                     std::to_string(number) + ": injected failure (test)");
  }
  AzureCall call;
  call.op = "block PUT";
  call.method = "PUT";
  call.blob = blob;
  call.query = {{"comp", "block"}, {"blockid", id}};
  call.body = bytes;
  for (int attempt = 1;; attempt++) {
    Result<HttpResponse> r = client.Call(call);
    if (r.ok()) return OkStatus();
    if (!r.error().retryable() || attempt >= kBlockAttempts) return r.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
}

}  // namespace

azure::Params ConditionHeaders(const PutOptions& options) {
  if (options.mode == PutMode::kIfNoneMatch) return {{"If-None-Match", "*"}};
  if (options.mode == PutMode::kIfMatch) {
    return {{"If-Match", "\"" + s3xml::StripQuotes(options.etag) + "\""}};
  }
  return {};
}

Result<std::string> BlockPut(AzureClient& client, const std::string& full_blob,
                             std::string_view data, const PutOptions& options) {
  const AzureConfig& cfg = client.config();
  const uint64_t block_size = std::max<uint64_t>(cfg.block_size, 1);
  const int blocks = static_cast<int>((data.size() + block_size - 1) / block_size);
  const std::string upload = RandomUploadId();
  std::vector<std::string> ids;
  for (int i = 0; i < blocks; i++) ids.push_back(BlockId(upload, i));

  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error
  std::optional<Error> first_error;
  auto worker = [&] {
    while (!failed.load()) {
      int i = next.fetch_add(1);
      if (i >= blocks) return;
      std::string_view bytes = data.substr(static_cast<uint64_t>(i) * block_size, block_size);
      Status st = PutBlock(client, full_blob, ids[static_cast<size_t>(i)], i + 1, bytes);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = st.error();
        failed = true;
        return;
      }
    }
  };
  int threads = std::clamp(cfg.max_parallel_blocks, 1, std::max(blocks, 1));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (first_error) {
    return Error(first_error->code(),
                 first_error->context() + " (block upload of " + std::to_string(blocks) +
                     " blocks abandoned; uncommitted blocks expire on their own)",
                 first_error->retryable());
  }

  std::string body = azurexml::BuildBlockList(ids);
  AzureCall commit;
  commit.op = "PUT";
  commit.method = "PUT";
  commit.blob = full_blob;
  commit.query = {{"comp", "blocklist"}};
  commit.headers = ConditionHeaders(options);
  commit.put_mode = options.mode;
  commit.body = body;
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client.Call(commit));
  std::string etag = s3xml::StripQuotes(r.Header("etag"));
  if (etag.empty()) {
    return Error(Code::kIoError, "PUT " + client.Target(full_blob) + " at " + cfg.endpoint +
                                     ": Put Block List answered without an ETag");
  }
  return etag;
}

}  // namespace zerofs::objstore
