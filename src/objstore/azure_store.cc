#include "objstore/azure_store.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "objstore/azure_blocks.h"
#include "objstore/azure_xml.h"
#include "objstore/http_object.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {
namespace {

constexpr int kDeleteThreads = 16;

}  // namespace

std::shared_ptr<AzureStore> AzureStore::Open(AzureConfig config) {
  return std::shared_ptr<AzureStore>(new AzureStore(std::move(config)));
}

AzureStore::AzureStore(AzureConfig config) : client_(std::move(config)) {}

std::string AzureStore::FullKey(std::string_view key) const {
  return httpobj::FullKey(client_.config().prefix, key);
}

Result<GetResult> AzureStore::Get(std::string_view key, std::optional<ByteRange> range) {
  AzureCall call;
  call.op = "GET";
  call.method = "GET";
  call.blob = FullKey(key);
  call.accept = {416};
  if (auto spec = httpobj::RangeHeader(range)) call.headers.emplace_back("x-ms-range", *spec);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  if (r.status == 416) return httpobj::PastTheEnd(Head(key));
  return httpobj::FromGet(std::move(r), range,
                          "GET " + client_.Target(call.blob) + " at " + client_.config().endpoint);
}

Result<ObjectInfo> AzureStore::Head(std::string_view key) {
  AzureCall call;
  call.op = "HEAD";
  call.method = "HEAD";
  call.blob = FullKey(key);
  ZFS_ASSIGN_OR_RETURN(HttpResponse r, client_.Call(call));
  return httpobj::FromHead(
      r, key, "HEAD " + client_.Target(call.blob) + " at " + client_.config().endpoint);
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
  return httpobj::PutEtag(r,
                          "PUT " + client_.Target(full_key) + " at " + client_.config().endpoint);
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
  ListPage page;
  page.objects =
      httpobj::Unprefixed(std::move(parsed->objects), full_prefix, client_.config().prefix);
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
