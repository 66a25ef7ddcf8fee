#include "objstore/azure_xml.h"

#include <pugixml.hpp>

#include <charconv>

#include "objstore/s3_xml.h"

namespace zerofs::objstore::azurexml {
namespace {

pugi::xml_node Child(const pugi::xml_node& parent, const char* name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && std::string_view(c.name()) == name) return c;
  }
  return {};
}

bool ParseSize(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<ListResult> ParseListBlobs(std::string_view body) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default);
  if (!parsed) {
    return Error(Code::kIoError,
                 std::string("malformed List Blobs response: ") + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (!root || std::string_view(root.name()) != "EnumerationResults") {
    return Error(Code::kIoError, std::string("unexpected List Blobs response: root element is '") +
                                     root.name() + "'");
  }
  ListResult out;
  for (pugi::xml_node b = Child(Child(root, "Blobs"), "Blob"); b; b = b.next_sibling("Blob")) {
    pugi::xml_node name = Child(b, "Name");
    ObjectInfo info;
    info.key = name.text().as_string();
    if (name.attribute("Encoded").as_bool()) info.key = s3xml::UrlDecode(info.key);
    pugi::xml_node props = Child(b, "Properties");
    if (info.key.empty() ||
        !ParseSize(Child(props, "Content-Length").text().as_string(), &info.size)) {
      return Error(Code::kIoError, "List Blobs response: a blob without a name or size");
    }
    info.etag = s3xml::StripQuotes(Child(props, "Etag").text().as_string());
    out.objects.push_back(std::move(info));
  }
  out.next_marker = Child(root, "NextMarker").text().as_string();
  return out;
}

std::string BuildBlockList(const std::vector<std::string>& block_ids) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const std::string& id : block_ids) out += "<Latest>" + id + "</Latest>";
  out += "</BlockList>";
  return out;
}

}  // namespace zerofs::objstore::azurexml
