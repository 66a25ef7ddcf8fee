#include "objstore/s3_store.h"

#include <algorithm>

#include "objstore/http_object.h"
#include "objstore/s3_multipart.h"

namespace zerofs::objstore {
namespace {

constexpr size_t kMaxDeleteBatch = 1000;  // S3's limit per DeleteObjects

}  // namespace

std::shared_ptr<S3Store> S3Store::Open(S3Config config) {
  return std::shared_ptr<S3Store>(new S3Store(std::move(config)));
}

S3Store::S3Store(S3Config config) : client_(std::move(config)) {}

std::string S3Store::FullKey(std::string_view key) const {
  return httpobj::FullKey(client_.config().prefix, key);
}

Result<GetResult> S3Store::Get(std::string_view key, std::optional<ByteRange> range) {
  S3Call call;
  call.op = "GET";
  call.method = "GET";
  call.key = FullKey(key);
  call.accept = {416};
  if (auto spec = httpobj::RangeHeader(range)) call.headers.emplace_back("Range", *spec);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  if (r.status == 416) return httpobj::PastTheEnd(Head(key));
  return httpobj::FromGet(std::move(r), range,
                          "GET " + client_.Target(call.key) + " at " + client_.config().endpoint);
}

Result<ObjectInfo> S3Store::Head(std::string_view key) {
  S3Call call;
  call.op = "HEAD";
  call.method = "HEAD";
  call.key = FullKey(key);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  return httpobj::FromHead(r, key,
                           "HEAD " + client_.Target(call.key) + " at " + client_.config().endpoint);
}

Result<std::string> S3Store::SinglePut(const std::string& full_key, std::string_view data,
                                       const PutOptions& options) {
  S3Call call;
  call.op = "PUT";
  call.method = "PUT";
  call.key = full_key;
  call.body = data;
  call.put_mode = options.mode;
  if (options.mode == PutMode::kIfNoneMatch) {
    call.headers.emplace_back("If-None-Match", "*");
    if (client_.config().scheme == "gs") {
      call.headers.emplace_back("x-goog-if-generation-match", "0");
    }
  } else if (options.mode == PutMode::kIfMatch) {
    call.headers.emplace_back("If-Match", s3xml::StripQuotes(options.etag));
  }
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  return httpobj::PutEtag(r,
                          "PUT " + client_.Target(full_key) + " at " + client_.config().endpoint);
}

Result<std::string> S3Store::Put(std::string_view key, std::string_view data,
                                 const PutOptions& options) {
  const S3Config& cfg = client_.config();
  std::string full_key = FullKey(key);
  if (options.mode != PutMode::kOverwrite) {
    if (data.size() > cfg.max_single_put) {
      return Error(Code::kInvalidArgument,
                   "PUT " + client_.Target(full_key) + ": a conditional put of " +
                       std::to_string(data.size()) + " bytes exceeds the single-PUT limit (" +
                       std::to_string(cfg.max_single_put) +
                       " bytes); multipart completion is not reliably conditional");
    }
    return SinglePut(full_key, data, options);
  }
  if (data.size() >= cfg.multipart_threshold && data.size() > cfg.part_size) {
    return MultipartPut(client_, full_key, data);
  }
  return SinglePut(full_key, data, options);
}

Result<ListPage> S3Store::List(std::string_view prefix, std::string_view token, size_t max_keys) {
  S3Call call;
  call.op = "LIST";
  call.method = "GET";
  std::string full_prefix = FullKey(prefix);
  call.query = {{"list-type", "2"},
                {"prefix", full_prefix},
                {"encoding-type", "url"},
                {"max-keys", std::to_string(std::clamp<size_t>(max_keys, 1, 1000))}};
  if (!token.empty()) call.query.emplace_back("continuation-token", std::string(token));
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  auto parsed = s3xml::ParseListObjectsV2(r.body);
  if (!parsed.ok()) {
    return parsed.error().Wrap("LIST " + client_.Target(full_prefix) + " at " +
                               client_.config().endpoint);
  }
  ListPage page;
  page.objects =
      httpobj::Unprefixed(std::move(parsed->objects), full_prefix, client_.config().prefix);
  if (parsed->truncated) page.next_token = std::move(parsed->next_token);
  return page;
}

Status S3Store::Delete(std::string_view key) {
  S3Call call;
  call.op = "DELETE";
  call.method = "DELETE";
  call.key = FullKey(key);
  call.accept = {404};
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  if (r.status == 404) {
    auto body = s3xml::ParseError(r.body);
    if (body && body->code == "NoSuchBucket") return client_.Fail(call, r);
  }
  return OkStatus();
}

Status S3Store::DeleteMany(const std::vector<std::string>& keys) {
  for (size_t at = 0; at < keys.size(); at += kMaxDeleteBatch) {
    std::vector<std::string> batch;
    for (size_t i = at; i < std::min(keys.size(), at + kMaxDeleteBatch); i++) {
      batch.push_back(FullKey(keys[i]));
    }
    std::string body = s3xml::BuildDeleteRequest(batch);
    S3Call call;
    call.op = "DELETE";
    call.method = "POST";
    call.key = "";
    call.query = {{"delete", ""}};
    call.headers = {{"Content-MD5", sigv4::Md5Base64(body)}};
    call.body = body;
    ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
    auto errors = s3xml::ParseDeleteResult(r.body);
    if (!errors.ok()) {
      return errors.error().Wrap("DELETE " + client_.Target(batch.front()) + " (batch of " +
                                 std::to_string(batch.size()) + ")");
    }
    for (const s3xml::DeleteError& e : *errors) {
      if (e.code == "NoSuchKey") continue;
      bool busy =
          e.code == "SlowDown" || e.code == "InternalError" || e.code == "ServiceUnavailable";
      return Error(busy ? Code::kUnavailable : Code::kIoError,
                   "DELETE " + client_.Target(e.key) + " at " + client_.config().endpoint + ": " +
                       e.code + (e.message.empty() ? "" : ": " + e.message),
                   busy);
    }
  }
  return OkStatus();
}

Result<std::vector<s3xml::PendingUpload>> S3Store::ListPendingUploads() {
  ZFS_ASSIGN_OR_RETURN(std::vector<s3xml::PendingUpload> all,
                       ListMultipartUploads(client_, FullKey("")));
  const std::string& base = client_.config().prefix;
  const size_t strip = base.empty() ? 0 : base.size() + 1;
  for (s3xml::PendingUpload& u : all) u.key.erase(0, std::min(strip, u.key.size()));
  return all;
}

Status S3Store::AbortPendingUpload(const s3xml::PendingUpload& upload) {
  return AbortMultipart(client_, FullKey(upload.key), upload.upload_id);
}

}  // namespace zerofs::objstore
