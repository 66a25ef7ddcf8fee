#include "objstore/probe.h"

#include <cstdio>
#include <random>
#include <string>

namespace zerofs::objstore {
namespace {

std::string RandomHex16() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

Error Unsafe(const ObjectStore& store, const char* what) {
  return Error(Code::kInvalidArgument,
               "the store at " + store.Describe() +
                   " does not enforce conditional writes (If-None-Match/If-Match); two writers "
                   "could corrupt it. Set [storage] allow_unsafe_conditional_writes = true to run "
                   "anyway (probe: " +
                   what + ")");
}

// Runs the three conditional puts on `key`; the caller deletes it.
Status Probe(ObjectStore& store, const std::string& key) {
  const std::string where = "conditional-write probe " + store.Describe() + "/" + key;
  Result<std::string> first = store.Put(key, "zerofs probe 1", {PutMode::kIfNoneMatch, ""});
  if (!first.ok()) return first.error().Wrap(where);

  Result<std::string> second = store.Put(key, "zerofs probe 2", {PutMode::kIfNoneMatch, ""});
  if (second.ok()) return Unsafe(store, "a second If-None-Match: * PUT replaced the object");
  if (second.error().code() != Code::kAlreadyExists) return second.error().Wrap(where);

  // An ETag that cannot be current: the real one with every character
  // changed, same length (RGW compares If-Match as a prefix of the stored
  // ETag, so a longer value with the real one in front would pass).
  std::string wrong = *first;
  for (char& c : wrong) c = c == '0' ? '1' : '0';
  if (wrong.empty()) wrong = "0";
  Result<std::string> third = store.Put(key, "zerofs probe 3", {PutMode::kIfMatch, wrong});
  if (third.ok()) return Unsafe(store, "an If-Match PUT with a wrong ETag replaced the object");
  if (third.error().code() != Code::kPreconditionFailed) return third.error().Wrap(where);
  return OkStatus();
}

}  // namespace

Status ProbeConditionalWrites(ObjectStore& store) {
  const std::string key = kProbeKeyPrefix + RandomHex16();
  Status status = Probe(store, key);
  Status cleanup = store.Delete(key);
  if (status.ok() && !cleanup.ok()) {
    return cleanup.error().Wrap("conditional-write probe: deleting " + key);
  }
  return status;
}

}  // namespace zerofs::objstore
