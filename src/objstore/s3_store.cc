#include "objstore/s3_store.h"

#include <algorithm>
#include <charconv>

#include "objstore/s3_multipart.h"

namespace zerofs::objstore {
namespace {

constexpr size_t kMaxDeleteBatch = 1000;  // S3's limit per DeleteObjects

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "bytes 0-9/1234" -> 1234.
bool TotalFromContentRange(std::string_view v, uint64_t* total) {
  size_t slash = v.rfind('/');
  return slash != std::string_view::npos && ParseU64(v.substr(slash + 1), total);
}

}  // namespace

std::shared_ptr<S3Store> S3Store::Open(S3Config config) {
  return std::shared_ptr<S3Store>(new S3Store(std::move(config)));
}

S3Store::S3Store(S3Config config) : client_(std::move(config)) {}

std::string S3Store::FullKey(std::string_view key) const {
  const std::string& prefix = client_.config().prefix;
  if (prefix.empty()) return std::string(key);
  std::string out = prefix + "/";
  out.append(key);
  return out;
}

Result<GetResult> S3Store::Get(std::string_view key, std::optional<ByteRange> range) {
  S3Call call;
  call.op = "GET";
  call.method = "GET";
  call.key = FullKey(key);
  call.accept = {416};
  bool ranged = range && (range->offset != 0 || range->length != 0);
  if (ranged) {
    std::string spec = "bytes=" + std::to_string(range->offset) + "-";
    if (range->length != 0) spec += std::to_string(range->offset + range->length - 1);
    call.headers.emplace_back("Range", spec);
  }
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  GetResult out;
  if (r.status == 416) {
    // The range starts at or past the end: empty data, but report the size.
    ZFS_ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
    out.object_size = info.size;
    out.etag = std::move(info.etag);
    return out;
  }
  out.etag = s3xml::StripQuotes(r.Header("etag"));
  if (r.status == 206) {
    if (!TotalFromContentRange(r.Header("content-range"), &out.object_size)) {
      return Error(Code::kIoError, "GET " + client_.Target(call.key) + " at " +
                                       client_.config().endpoint +
                                       ": 206 without a usable Content-Range");
    }
    out.data = std::move(r.body);
    return out;
  }
  // 200: the whole object (the store may have ignored the Range header).
  out.object_size = r.body.size();
  out.data = std::move(r.body);
  if (ranged) {
    uint64_t offset = std::min<uint64_t>(range->offset, out.data.size());
    uint64_t length = range->length == 0 ? out.data.size() - offset : range->length;
    out.data = out.data.substr(offset, length);
  }
  return out;
}

Result<ObjectInfo> S3Store::Head(std::string_view key) {
  S3Call call;
  call.op = "HEAD";
  call.method = "HEAD";
  call.key = FullKey(key);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  ObjectInfo info;
  info.key = std::string(key);
  info.etag = s3xml::StripQuotes(r.Header("etag"));
  if (!ParseU64(r.Header("content-length"), &info.size)) {
    return Error(Code::kIoError, "HEAD " + client_.Target(call.key) + " at " +
                                     client_.config().endpoint + ": no Content-Length");
  }
  return info;
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
  std::string etag = s3xml::StripQuotes(r.Header("etag"));
  if (etag.empty()) {
    return Error(Code::kIoError, "PUT " + client_.Target(full_key) + " at " +
                                     client_.config().endpoint + ": answered without an ETag");
  }
  return etag;
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
  const std::string& base = client_.config().prefix;
  const size_t strip = base.empty() ? 0 : base.size() + 1;
  ListPage page;
  for (ObjectInfo& info : parsed->objects) {
    if (!info.key.starts_with(full_prefix) || info.key.size() <= strip) continue;
    info.key.erase(0, strip);
    page.objects.push_back(std::move(info));
  }
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
