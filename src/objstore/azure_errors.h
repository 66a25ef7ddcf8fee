// The one table that turns an Azure Blob failure (HTTP status + the
// x-ms-error-code / <Error><Code>, or a transport failure) into an Error of
// the ObjectStore contract. Every message names the operation, the object URL
// (azure://container/prefix/key) and the endpoint; none contains credentials.
//
//   transport failure                 -> kUnavailable "cannot reach the store at <endpoint>"
//   429 / 5xx (not 501) / ServerBusy / OperationTimedOut / InternalError
//                                     -> kUnavailable, retryable
//   404 ContainerNotFound             -> kNotFound "container 'c' does not exist at <endpoint>"
//   404 otherwise                     -> kNotFound (kPreconditionFailed for If-Match puts)
//   409 BlobAlreadyExists, 412 ConditionNotMet
//                                     -> kAlreadyExists (If-None-Match: * put),
//                                        kPreconditionFailed otherwise
//   403 AuthenticationFailed (Azurite: AuthorizationFailure "failed to authenticate")
//                                     -> kPermissionDenied "authentication failed for ..."
//                                        (clock skew named when the message says so)
//   403 otherwise                     -> kPermissionDenied "access denied to ..."
//   anything else                     -> kIoError with the code and message
#pragma once

#include <string>

#include "base/result.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

struct AzureFailure {
  std::string op;         // "GET", "PUT", "LIST", "DELETE", "HEAD", "block PUT"
  std::string target;     // "azure://container/prefix/key"
  std::string container;  // "container"
  std::string endpoint;   // "http://127.0.0.1:10000/devstoreaccount1"
  PutMode put_mode = PutMode::kOverwrite;

  std::string transport_error;  // set when there was no HTTP response
  long status = 0;
  std::string code;     // x-ms-error-code or <Code>
  std::string message;  // first line of <Message>
};

Error MapAzureError(const AzureFailure& failure);

}  // namespace zerofs::objstore
