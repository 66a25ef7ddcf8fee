#include "nfs/record.h"

#include <algorithm>

#include "base/coding.h"

namespace zerofs::nfs {

Status RecordAssembler::Feed(std::string_view data, std::vector<std::string>* out) {
  if (failed_) return Error(Code::kInvalidArgument, "rpc: stream out of sync");
  while (!data.empty()) {
    if (!in_fragment_) {
      size_t n = std::min(data.size(), 4 - header_len_);
      std::copy_n(data.data(), n, header_ + header_len_);
      header_len_ += n;
      data.remove_prefix(n);
      if (header_len_ < 4) break;
      header_len_ = 0;
      uint32_t mark = LoadBE32(header_);
      last_fragment_ = (mark & kLastFragment) != 0;
      fragment_left_ = mark & ~kLastFragment;
      if (fragment_left_ > max_record_ - record_.size()) {
        failed_ = true;
        return Error(Code::kInvalidArgument,
                     "rpc: record larger than " + std::to_string(max_record_) + " bytes");
      }
      in_fragment_ = true;
      record_.reserve(record_.size() + fragment_left_);
    }
    size_t n = std::min(data.size(), fragment_left_);
    record_.append(data.data(), n);
    data.remove_prefix(n);
    fragment_left_ -= n;
    if (fragment_left_ == 0) {
      in_fragment_ = false;
      if (last_fragment_) {
        out->push_back(std::move(record_));
        record_.clear();
      }
    }
  }
  return OkStatus();
}

void SetRecordMark(std::string* reply, size_t tail_bytes) {
  uint32_t len = static_cast<uint32_t>(reply->size() - 4 + tail_bytes) | kLastFragment;
  for (int i = 0; i < 4; i++) (*reply)[i] = static_cast<char>(len >> (8 * (3 - i)));
}

}  // namespace zerofs::nfs
