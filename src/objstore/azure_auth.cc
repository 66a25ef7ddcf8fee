#include "objstore/azure_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "objstore/sigv4.h"

namespace zerofs::objstore::azure {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and folds runs of whitespace to one space (canonicalized headers).
std::string Fold(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string HeaderValue(const Params& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (Lower(n) == name) return v;
  }
  return {};
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    bool pad_ok = c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && !pad_ok) {
      return std::nullopt;
    }
  }
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string HttpDateNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string StringToSign(const SignInput& in, std::string_view account) {
  std::string s = in.method + "\n";
  for (const char* name : {"content-encoding", "content-language"}) {
    s += HeaderValue(in.headers, name) + "\n";
  }
  s += (in.content_length == 0 ? std::string() : std::to_string(in.content_length)) + "\n";
  for (const char* name : {"content-md5", "content-type", "date", "if-modified-since", "if-match",
                           "if-none-match", "if-unmodified-since", "range"}) {
    s += HeaderValue(in.headers, name) + "\n";
  }
  std::map<std::string, std::string> ms;  // sorted by lower-cased name
  for (const auto& [n, v] : in.headers) {
    std::string name = Lower(n);
    if (name.starts_with("x-ms-")) ms[name] = Fold(v);
  }
  for (const auto& [n, v] : ms) s += n + ":" + v + "\n";
  s += "/";
  s.append(account);
  s += in.path.empty() ? "/" : in.path;
  std::map<std::string, std::vector<std::string>> query;
  for (const auto& [n, v] : in.query) query[Lower(n)].push_back(v);
  for (auto& [n, values] : query) {
    std::sort(values.begin(), values.end());
    s += "\n" + n + ":";
    for (size_t i = 0; i < values.size(); i++) s += (i ? "," : "") + values[i];
  }
  return s;
}

std::string SharedKeyAuthorization(const SignInput& input, std::string_view account,
                                   std::string_view key) {
  std::string mac = sigv4::HmacSha256(key, StringToSign(input, account));
  std::string out = "SharedKey ";
  out.append(account);
  out += ":" + Base64Encode(mac);
  return out;
}

}  // namespace zerofs::objstore::azure
