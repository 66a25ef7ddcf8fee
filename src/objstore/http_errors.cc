#include "objstore/http_errors.h"

#include <algorithm>

namespace zerofs::objstore::httperr {

bool Answered(long status, const std::vector<long>& accept) {
  return (status >= 200 && status < 300) ||
         std::find(accept.begin(), accept.end(), status) != accept.end();
}

void Redact(std::string* s, const std::string& secret) {
  if (secret.size() < 4) return;
  for (size_t at = s->find(secret); at != std::string::npos; at = s->find(secret, at)) {
    s->replace(at, secret.size(), "<redacted>");
  }
}

std::string TransportDetail(const Error& error, const std::string& method, const std::string& url) {
  std::string out = error.context();
  std::string lead = method + " " + url.substr(0, url.find('?')) + ": ";
  if (out.starts_with(lead)) out.erase(0, lead.size());
  return out;
}

std::string Detail(const std::string& code, long status, const std::string& message) {
  std::string out = code.empty() ? "HTTP " + std::to_string(status) : code;
  if (!message.empty()) out += ": " + message;
  return out;
}

bool IsOneOf(const std::string& code, std::initializer_list<const char*> codes) {
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

Error Unreachable(const std::string& where, const std::string& endpoint,
                  const std::string& transport_error) {
  return Error(Code::kUnavailable,
               where + ": cannot reach the store at " + endpoint + ": " + transport_error, true);
}

}  // namespace zerofs::objstore::httperr
