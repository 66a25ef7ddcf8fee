#include "objstore/s3_multipart.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

namespace zerofs::objstore {
namespace {

constexpr int kPartAttempts = 3;

Result<std::string> UploadPart(S3Client& client, const std::string& key,
                               const std::string& upload_id, int number, std::string_view bytes) {
  if (client.config().test_fail_part == number) {
    return Error(Code::kIoError, "multipart PUT " + client.Target(key) + ": part " +
                                     std::to_string(number) + ": injected failure (test)");
  }
  S3Call call;
  call.op = "multipart PUT";
  call.method = "PUT";
  call.key = key;
  call.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
  call.body = bytes;
  for (int attempt = 1;; attempt++) {
    Result<HttpResponse> r = client.Call(call);
    if (r.ok()) {
      std::string etag = s3xml::StripQuotes(r->Header("etag"));
      if (etag.empty()) {
        return Error(Code::kIoError, "multipart PUT " + client.Target(key) + ": part " +
                                         std::to_string(number) + " answered without an ETag");
      }
      return etag;
    }
    if (!r.error().retryable() || attempt >= kPartAttempts) return r.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
}

}  // namespace

Status AbortMultipart(S3Client& client, const std::string& full_key, const std::string& upload_id) {
  S3Call call;
  call.op = "multipart abort";
  call.method = "DELETE";
  call.key = full_key;
  call.query = {{"uploadId", upload_id}};
  call.accept = {404};  // NoSuchUpload: already gone
  Result<HttpResponse> r = client.Call(call);
  if (!r.ok()) return r.error();
  return OkStatus();
}

Result<std::vector<s3xml::PendingUpload>> ListMultipartUploads(S3Client& client,
                                                               const std::string& full_prefix) {
  S3Call call;
  call.op = "multipart list";
  call.method = "GET";
  call.query = {{"uploads", ""}, {"prefix", full_prefix}};
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client.Call(call));
  auto parsed = s3xml::ParseListMultipartUploads(r.body);
  if (!parsed.ok()) return parsed.error().Wrap("multipart list " + client.Target(full_prefix));
  return parsed;
}

Result<std::string> MultipartPut(S3Client& client, const std::string& full_key,
                                 std::string_view data) {
  const S3Config& cfg = client.config();
  const std::string target = client.Target(full_key);

  S3Call init;
  init.op = "multipart PUT";
  init.method = "POST";
  init.key = full_key;
  init.query = {{"uploads", ""}};
  ZFS_ASSIGN_OR_RETURN(HttpResponse started, client.Call(init));
  auto upload_id = s3xml::ParseInitiateMultipart(started.body);
  if (!upload_id.ok()) return upload_id.error().Wrap("multipart PUT " + target);
  const std::string id = *upload_id;

  const uint64_t part_size = std::max<uint64_t>(cfg.part_size, 5ull << 20);
  const int parts = static_cast<int>((data.size() + part_size - 1) / part_size);
  std::vector<s3xml::CompletedPart> done(static_cast<size_t>(parts));
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error
  std::optional<Error> first_error;

  auto worker = [&] {
    while (!failed.load()) {
      int i = next.fetch_add(1);
      if (i >= parts) return;
      uint64_t offset = static_cast<uint64_t>(i) * part_size;
      std::string_view bytes = data.substr(offset, part_size);
      Result<std::string> etag = UploadPart(client, full_key, id, i + 1, bytes);
      if (!etag.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = etag.error();
        failed = true;
        return;
      }
      done[static_cast<size_t>(i)] = {i + 1, *etag};
    }
  };
  int threads = std::clamp(cfg.max_parallel_parts, 1, parts);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();

  std::optional<Error> error = first_error;
  std::string etag;
  if (!error) {
    std::string body = s3xml::BuildCompleteMultipart(done);
    S3Call complete;
    complete.op = "multipart PUT";
    complete.method = "POST";
    complete.key = full_key;
    complete.query = {{"uploadId", id}};
    complete.body = body;
    Result<HttpResponse> r = client.Call(complete);
    if (!r.ok()) {
      error = r.error();
    } else {
      auto parsed = s3xml::ParseCompleteMultipart(r->body);
      if (!parsed.ok()) {
        error = parsed.error().Wrap("multipart PUT " + target);
      } else if (parsed->error) {
        // 200 with an <Error> body: map it as if it had been the status.
        HttpResponse as_error = *r;
        as_error.status = parsed->error->code == "InternalError" ? 500 : 400;
        error = client.Fail(complete, as_error);
      } else {
        etag = parsed->etag.empty() ? s3xml::StripQuotes(r->Header("etag")) : parsed->etag;
      }
    }
    if (!error && etag.empty()) {
      // RGW answers <ETag></ETag>; the object exists now, so ask for it.
      S3Call head;
      head.op = "multipart PUT";
      head.method = "HEAD";
      head.key = full_key;
      Result<HttpResponse> h = client.Call(head);
      if (h.ok()) etag = s3xml::StripQuotes(h->Header("etag"));
      if (etag.empty()) {
        return Error(Code::kIoError, "multipart PUT " + target + " at " + cfg.endpoint +
                                         ": completed, but the store reports no ETag");
      }
    }
  }
  if (error) {
    Status aborted = AbortMultipart(client, full_key, id);
    if (!aborted.ok()) {
      spdlog::warn("multipart PUT {}: abort failed, an incomplete upload remains: {}", target,
                   aborted.error().ToString());
    }
    return Error(
        error->code(),
        error->context() + " (multipart upload of " + std::to_string(parts) + " parts aborted)",
        error->retryable());
  }
  return etag;
}

}  // namespace zerofs::objstore
