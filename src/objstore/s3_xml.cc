#include "objstore/s3_xml.h"

#include <pugixml.hpp>

#include <charconv>

namespace zerofs::objstore::s3xml {
namespace {

// Element name without a namespace prefix ("s3:Key" -> "Key").
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == name) return c;
  }
  return {};
}

std::string Text(const pugi::xml_node& parent, std::string_view name) {
  return Child(parent, name).text().as_string();
}

// Parses `body`; the root element must be `root`.
Result<pugi::xml_node> Root(pugi::xml_document& doc, std::string_view body, std::string_view root,
                            std::string_view what) {
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default);
  if (!parsed) {
    return Error(Code::kIoError, std::string("malformed ") + std::string(what) +
                                     " response: " + parsed.description());
  }
  pugi::xml_node node = doc.document_element();
  if (!node || LocalName(node) != root) {
    return Error(Code::kIoError, std::string("unexpected ") + std::string(what) +
                                     " response: root element is '" + node.name() + "'");
  }
  return node;
}

bool ParseSize(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

void AppendEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      case '\'':
        *out += "&apos;";
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace

std::string StripQuotes(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::string UrlDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<ErrorBody> ParseError(std::string_view body) {
  if (body.empty()) return std::nullopt;
  pugi::xml_document doc;
  auto root = Root(doc, body, "Error", "error");
  if (!root.ok()) return std::nullopt;
  ErrorBody out{Text(*root, "Code"), Text(*root, "Message")};
  if (out.code.empty()) return std::nullopt;
  return out;
}

Result<ListResult> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  ZFS_ASSIGN_OR_RETURN(pugi::xml_node root, Root(doc, body, "ListBucketResult", "LIST"));
  bool url_encoded = Text(root, "EncodingType") == "url";
  ListResult out;
  out.truncated = Text(root, "IsTruncated") == "true";
  out.next_token = Text(root, "NextContinuationToken");
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c) != "Contents") continue;
    ObjectInfo info;
    info.key = Text(c, "Key");
    if (url_encoded) info.key = UrlDecode(info.key);
    if (info.key.empty()) return Error(Code::kIoError, "malformed LIST response: empty <Key>");
    if (!ParseSize(Text(c, "Size"), &info.size)) {
      return Error(Code::kIoError, "malformed LIST response: bad <Size> for '" + info.key + "'");
    }
    info.etag = StripQuotes(Text(c, "ETag"));
    out.objects.push_back(std::move(info));
  }
  if (out.truncated && out.next_token.empty()) {
    return Error(Code::kIoError, "malformed LIST response: truncated without a continuation token");
  }
  return out;
}

Result<std::string> ParseInitiateMultipart(std::string_view body) {
  pugi::xml_document doc;
  ZFS_ASSIGN_OR_RETURN(pugi::xml_node root,
                       Root(doc, body, "InitiateMultipartUploadResult", "multipart initiate"));
  std::string id = Text(root, "UploadId");
  if (id.empty()) return Error(Code::kIoError, "multipart initiate response has no <UploadId>");
  return id;
}

Result<CompleteResult> ParseCompleteMultipart(std::string_view body) {
  CompleteResult out;
  if (auto error = ParseError(body)) {
    out.error = std::move(error);
    return out;
  }
  pugi::xml_document doc;
  ZFS_ASSIGN_OR_RETURN(pugi::xml_node root,
                       Root(doc, body, "CompleteMultipartUploadResult", "multipart complete"));
  out.etag = StripQuotes(Text(root, "ETag"));
  return out;
}

Result<std::vector<DeleteError>> ParseDeleteResult(std::string_view body) {
  pugi::xml_document doc;
  ZFS_ASSIGN_OR_RETURN(pugi::xml_node root, Root(doc, body, "DeleteResult", "batch DELETE"));
  std::vector<DeleteError> out;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c) != "Error") continue;
    out.push_back({Text(c, "Key"), Text(c, "Code"), Text(c, "Message")});
  }
  return out;
}

Result<std::vector<PendingUpload>> ParseListMultipartUploads(std::string_view body) {
  pugi::xml_document doc;
  ZFS_ASSIGN_OR_RETURN(pugi::xml_node root,
                       Root(doc, body, "ListMultipartUploadsResult", "multipart list"));
  std::vector<PendingUpload> out;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c) != "Upload") continue;
    out.push_back({Text(c, "Key"), Text(c, "UploadId")});
  }
  return out;
}

std::string BuildDeleteRequest(const std::vector<std::string>& keys) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
  for (const std::string& key : keys) {
    out += "<Object><Key>";
    AppendEscaped(&out, key);
    out += "</Key></Object>";
  }
  out += "</Delete>";
  return out;
}

std::string BuildCompleteMultipart(const std::vector<CompletedPart>& parts) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>";
  for (const CompletedPart& part : parts) {
    out += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>\"";
    AppendEscaped(&out, part.etag);
    out += "\"</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace zerofs::objstore::s3xml
