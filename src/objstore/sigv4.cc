#include "objstore/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace zerofs::objstore::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims surrounding whitespace and collapses inner runs to one space.
std::string TrimAll(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Lower-cased names with trimmed values, sorted by name; repeated names are
// joined with ',' as the spec says.
Headers CanonicalHeaderList(const Headers& headers) {
  Headers sorted;
  for (const auto& [name, value] : headers) sorted.emplace_back(Lower(name), TrimAll(value));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Headers merged;
  for (auto& [name, value] : sorted) {
    if (!merged.empty() && merged.back().first == name) {
      merged.back().second += "," + value;
    } else {
      merged.emplace_back(std::move(name), std::move(value));
    }
  }
  return merged;
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Digest(EVP_sha256(), data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Md5Base64(std::string_view data) {
  std::string md5 = Digest(EVP_md5(), data);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, reinterpret_cast<const unsigned char*>(md5.data()),
                          static_cast<int>(md5.size()));
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string CanonicalQuery(const Headers& query) {
  Headers encoded;
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string SignedHeaders(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : CanonicalHeaderList(headers)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalRequest(const Request& request) {
  std::string out = request.method + "\n";
  out += (request.path.empty() ? "/" : request.path) + "\n";
  out += CanonicalQuery(request.query) + "\n";
  for (const auto& [name, value] : CanonicalHeaderList(request.headers)) {
    out += name + ":" + value + "\n";
  }
  out += "\n" + SignedHeaders(request.headers) + "\n";
  out += request.payload_hash;
  return out;
}

std::string Scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out(date);
  out += "/";
  out += region;
  out += "/";
  out += service;
  out += "/aws4_request";
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += "\n";
  out += amz_date;
  out += "\n";
  out += scope;
  out += "\n";
  out += Sha256Hex(canonical_request);
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string k = HmacSha256("AWS4" + std::string(secret), date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

std::string AmzDateNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void Sign(Request* request, const Credentials& credentials, std::string_view region,
          std::string_view service, std::string_view amz_date) {
  request->headers.emplace_back("x-amz-date", std::string(amz_date));
  request->headers.emplace_back("x-amz-content-sha256", request->payload_hash);
  if (!credentials.session_token.empty()) {
    request->headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  std::string_view date = amz_date.substr(0, 8);
  std::string scope = Scope(date, region, service);
  std::string to_sign = StringToSign(amz_date, scope, CanonicalRequest(*request));
  std::string signature = HexEncode(
      HmacSha256(SigningKey(credentials.secret_access_key, date, region, service), to_sign));
  std::string auth(kAlgorithm);
  auth += " Credential=" + credentials.access_key_id + "/" + scope;
  auth += ",SignedHeaders=" + SignedHeaders(request->headers);
  auth += ",Signature=" + signature;
  request->headers.emplace_back("Authorization", std::move(auth));
}

}  // namespace zerofs::objstore::sigv4
