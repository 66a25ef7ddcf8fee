#include "objstore/azure_store.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>

#include "objstore/azure_blocks.h"
#include "objstore/azure_xml.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {
namespace {

constexpr int kDeleteThreads = 16;

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

std::shared_ptr<AzureStore> AzureStore::Open(AzureConfig config) {
  return std::shared_ptr<AzureStore>(new AzureStore(std::move(config)));
}

AzureStore::AzureStore(AzureConfig config) : client_(std::move(config)) {}

std::string AzureStore::FullKey(std::string_view key) const {
  const std::string& prefix = client_.config().prefix;
  if (prefix.empty()) return std::string(key);
  std::string out = prefix + "/";
  out.append(key);
  return out;
}

Result<GetResult> AzureStore::Get(std::string_view key, std::optional<ByteRange> range) {
  AzureCall call;
  call.op = "GET";
  call.method = "GET";
  call.blob = FullKey(key);
  call.accept = {416};
  bool ranged = range && (range->offset != 0 || range->length != 0);
  if (ranged) {
    std::string spec = "bytes=" + std::to_string(range->offset) + "-";
    if (range->length != 0) spec += std::to_string(range->offset + range->length - 1);
    call.headers.emplace_back("x-ms-range", spec);
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
      return Error(Code::kIoError, "GET " + client_.Target(call.blob) + " at " +
                                       client_.config().endpoint +
                                       ": 206 without a usable Content-Range");
    }
    out.data = std::move(r.body);
    return out;
  }
  out.object_size = r.body.size();
  out.data = std::move(r.body);
  if (ranged) {
    uint64_t offset = std::min<uint64_t>(range->offset, out.data.size());
    uint64_t length = range->length == 0 ? out.data.size() - offset : range->length;
    out.data = out.data.substr(offset, length);
  }
  return out;
}

Result<ObjectInfo> AzureStore::Head(std::string_view key) {
  AzureCall call;
  call.op = "HEAD";
  call.method = "HEAD";
  call.blob = FullKey(key);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  ObjectInfo info;
  info.key = std::string(key);
  info.etag = s3xml::StripQuotes(r.Header("etag"));
  if (!ParseU64(r.Header("content-length"), &info.size)) {
    return Error(Code::kIoError, "HEAD " + client_.Target(call.blob) + " at " +
                                     client_.config().endpoint + ": no Content-Length");
  }
  return info;
}

Result<std::string> AzureStore::Put(std::string_view key, std::string_view data,
                                    const PutOptions& options) {
  std::string full_key = FullKey(key);
  if (data.size() >= client_.config().block_threshold &&
      data.size() > client_.config().block_size) {
    return BlockPut(client_, full_key, data, options);
  }
  AzureCall call;
  call.op = "PUT";
  call.method = "PUT";
  call.blob = full_key;
  call.body = data;
  call.put_mode = options.mode;
  call.headers = ConditionHeaders(options);
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  std::string etag = s3xml::StripQuotes(r.Header("etag"));
  if (etag.empty()) {
    return Error(Code::kIoError, "PUT " + client_.Target(full_key) + " at " +
                                     client_.config().endpoint + ": answered without an ETag");
  }
  return etag;
}

Result<ListPage> AzureStore::List(std::string_view prefix, std::string_view token,
                                  size_t max_keys) {
  AzureCall call;
  call.op = "LIST";
  call.method = "GET";
  std::string full_prefix = FullKey(prefix);
  call.query = {{"restype", "container"},
                {"comp", "list"},
                {"maxresults", std::to_string(std::clamp<size_t>(max_keys, 1, 5000))}};
  if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
  if (!token.empty()) call.query.emplace_back("marker", std::string(token));
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  auto parsed = azurexml::ParseListBlobs(r.body);
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
  page.next_token = std::move(parsed->next_marker);
  return page;
}

Status AzureStore::Delete(std::string_view key) {
  AzureCall call;
  call.op = "DELETE";
  call.method = "DELETE";
  call.blob = FullKey(key);
  call.accept = {404};
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  if (r.status == 404) {
    std::string code = r.Header("x-ms-error-code");
    if (code.empty()) {
      if (auto body = s3xml::ParseError(r.body)) code = body->code;
    }
    if (code == "ContainerNotFound") return client_.Fail(call, r);
  }
  return OkStatus();
}

Status AzureStore::DeleteMany(const std::vector<std::string>& keys) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error
  std::optional<Error> first_error;
  auto worker = [&] {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= keys.size()) return;
      Status st = Delete(keys[i]);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = st.error();
        failed = true;
        return;
      }
    }
  };
  size_t threads = std::min<size_t>(kDeleteThreads, keys.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (first_error) return *first_error;
  return OkStatus();
}

Status AzureStore::CreateContainer() {
  AzureCall call;
  call.op = "create container";
  call.method = "PUT";
  call.query = {{"restype", "container"}};
  call.accept = {409};  // ContainerAlreadyExists
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  if (r.status == 409 && r.Header("x-ms-error-code") != "ContainerAlreadyExists") {
    return client_.Fail(call, r);
  }
  return OkStatus();
}

}  // namespace zerofs::objstore
