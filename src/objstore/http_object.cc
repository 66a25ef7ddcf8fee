#include "objstore/http_object.h"

#include <algorithm>
#include <charconv>

#include "objstore/s3_xml.h"

namespace zerofs::objstore::httpobj {
namespace {

// "bytes 0-9/1234" -> 1234.
bool TotalFromContentRange(std::string_view v, uint64_t* total) {
  size_t slash = v.rfind('/');
  return slash != std::string_view::npos && ParseU64(v.substr(slash + 1), total);
}

}  // namespace

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string FullKey(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out(prefix);
  out += '/';
  out.append(key);
  return out;
}

std::optional<std::string> RangeHeader(const std::optional<ByteRange>& range) {
  if (!range || (range->offset == 0 && range->length == 0)) return std::nullopt;
  std::string spec = "bytes=" + std::to_string(range->offset) + "-";
  if (range->length != 0) spec += std::to_string(range->offset + range->length - 1);
  return spec;
}

Result<GetResult> FromGet(HttpResponse r, const std::optional<ByteRange>& range,
                          const std::string& where) {
  GetResult out;
  out.etag = s3xml::StripQuotes(r.Header("etag"));
  if (r.status == 206) {
    if (!TotalFromContentRange(r.Header("content-range"), &out.object_size)) {
      return Error(Code::kIoError, where + ": 206 without a usable Content-Range");
    }
    out.data = std::move(r.body);
    return out;
  }
  out.object_size = r.body.size();
  out.data = std::move(r.body);
  if (RangeHeader(range)) {
    uint64_t offset = std::min<uint64_t>(range->offset, out.data.size());
    uint64_t length = range->length == 0 ? out.data.size() - offset : range->length;
    out.data = out.data.substr(offset, length);
  }
  return out;
}

Result<GetResult> PastTheEnd(Result<ObjectInfo> head) {
  ZFS_ASSIGN_OR_RETURN(ObjectInfo info, std::move(head));
  GetResult out;
  out.object_size = info.size;
  out.etag = std::move(info.etag);
  return out;
}

Result<ObjectInfo> FromHead(const HttpResponse& r, std::string_view key, const std::string& where) {
  ObjectInfo info;
  info.key = std::string(key);
  info.etag = s3xml::StripQuotes(r.Header("etag"));
  if (!ParseU64(r.Header("content-length"), &info.size)) {
    return Error(Code::kIoError, where + ": no Content-Length");
  }
  return info;
}

Result<std::string> PutEtag(const HttpResponse& r, const std::string& where) {
  std::string etag = s3xml::StripQuotes(r.Header("etag"));
  if (etag.empty()) return Error(Code::kIoError, where + ": answered without an ETag");
  return etag;
}

std::vector<ObjectInfo> Unprefixed(std::vector<ObjectInfo> listed, std::string_view full_prefix,
                                   std::string_view prefix) {
  const size_t strip = prefix.empty() ? 0 : prefix.size() + 1;
  std::vector<ObjectInfo> out;
  for (ObjectInfo& info : listed) {
    if (!info.key.starts_with(full_prefix) || info.key.size() <= strip) continue;
    info.key.erase(0, strip);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace zerofs::objstore::httpobj
