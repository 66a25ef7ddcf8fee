#include "objstore/object_store.h"

#include <cstring>

namespace zerofs::objstore {

Result<std::string_view> ObjectStore::ReadRange(std::string_view key, ByteRange range,
                                                RangeBuffer* buf) {
  ZFS_ASSIGN_OR_RETURN(GetResult got, Get(key, range));
  char* dst = buf->Prepare(got.data.size());
  std::memcpy(dst, got.data.data(), got.data.size());
  return std::string_view(dst, got.data.size());
}

Status ObjectStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    ZFS_RETURN_IF_ERROR(Delete(key));
  }
  return OkStatus();
}

Result<std::vector<ObjectInfo>> ObjectStore::ListAll(std::string_view prefix) {
  std::vector<ObjectInfo> all;
  std::string token;
  while (true) {
    ZFS_ASSIGN_OR_RETURN(ListPage page, List(prefix, token));
    for (ObjectInfo& info : page.objects) all.push_back(std::move(info));
    if (page.next_token.empty()) return all;
    if (page.next_token == token) {
      // Tokens are opaque (S3's are not keys), but one that repeats is a
      // backend bug; looping forever would be worse than failing.
      return Error(Code::kIoError, "LIST " + Describe() + "/" + std::string(prefix) +
                                       ": continuation token does not advance");
    }
    token = std::move(page.next_token);
  }
}

}  // namespace zerofs::objstore
