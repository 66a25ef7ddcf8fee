#include "objstore/azure_errors.h"

#include "objstore/http_errors.h"

namespace zerofs::objstore {
namespace {

std::string Detail(const AzureFailure& f) { return httperr::Detail(f.code, f.status, f.message); }

}  // namespace

Error MapAzureError(const AzureFailure& f) {
  const std::string where = f.op + " " + f.target + " at " + f.endpoint;
  const std::string container_url = "azure://" + f.container;

  if (!f.transport_error.empty()) return httperr::Unreachable(where, f.endpoint, f.transport_error);
  const std::string& code = f.code;
  if (f.status == 429 || (f.status >= 500 && f.status != 501) ||
      httperr::IsOneOf(code, {"ServerBusy", "OperationTimedOut", "InternalError"})) {
    return Error(Code::kUnavailable, where + ": store busy or failing (" + Detail(f) + ")", true);
  }
  if (code == "ContainerNotFound") {
    return Error(Code::kNotFound, where + ": container '" + f.container + "' does not exist at " +
                                      f.endpoint + " (create it, or fix the storage URL)");
  }
  if (f.status == 404) {
    if (f.op == "PUT" && f.put_mode == PutMode::kIfMatch) {
      return Error(Code::kPreconditionFailed, where + ": object is gone (If-Match)");
    }
    return Error(Code::kNotFound, where + ": no such object");
  }
  if (f.status == 412 || code == "BlobAlreadyExists" || code == "ConditionNotMet") {
    if (f.put_mode == PutMode::kIfNoneMatch) {
      return Error(Code::kAlreadyExists, where + ": object already exists (If-None-Match)");
    }
    if (f.put_mode == PutMode::kIfMatch) {
      return Error(Code::kPreconditionFailed, where + ": ETag changed (If-Match)");
    }
  }
  // Azurite answers a bad signature with AuthorizationFailure "Server failed
  // to authenticate the request"; Azure with AuthenticationFailed.
  bool bad_signature = code == "AuthenticationFailed" || code == "InvalidAuthenticationInfo" ||
                       (code == "AuthorizationFailure" &&
                        f.message.find("failed to authenticate") != std::string::npos);
  if (bad_signature) {
    if (f.message.find("date header") != std::string::npos ||
        f.message.find("Request date") != std::string::npos) {
      return Error(Code::kPermissionDenied, "clock skew or bad date: " + where + ": " + Detail(f) +
                                                "; fix the system time (NTP)");
    }
    return Error(Code::kPermissionDenied,
                 "authentication failed for " + container_url + " at " + f.endpoint + ": " + code +
                     " (wrong account key or SAS token) (" + f.op + " " + f.target + ")");
  }
  if (f.status == 403) {
    std::string why = code.empty() ? "HTTP 403 (wrong credentials or access denied)" : Detail(f);
    return Error(Code::kPermissionDenied,
                 "access denied to " + f.target + " at " + f.endpoint + ": " + why + " (" + f.op +
                     "); check the credentials and the SAS token's permissions");
  }
  return Error(Code::kIoError, where + ": " + Detail(f));
}

}  // namespace zerofs::objstore
