#include "nfs/xdr.h"

#include "base/coding.h"

namespace zerofs::nfs {

void XdrEncoder::PutU32(uint32_t v) { PutBE32(&out_, v); }

void XdrEncoder::PutU64(uint64_t v) { PutBE64(&out_, v); }

void XdrEncoder::PutFixed(std::string_view bytes) {
  out_.append(bytes.data(), bytes.size());
  out_.append(XdrPad(bytes.size()), '\0');
}

void XdrEncoder::PutOpaque(std::string_view bytes) {
  PutU32(static_cast<uint32_t>(bytes.size()));
  PutFixed(bytes);
}

namespace {
constexpr char kPadding[4] = {};
}  // namespace

std::string XdrTail::Flatten() const {
  std::string out;
  out.reserve(size);
  for (const SharedBytes& p : pieces) out.append(p.bytes);
  return out;
}

void XdrEncoder::PutOpaqueTail(std::string bytes) {
  PutU32(static_cast<uint32_t>(bytes.size()));
  bytes.append(XdrPad(bytes.size()), '\0');
  tail_ = XdrTail();
  if (bytes.empty()) return;
  auto owner = std::make_shared<const std::string>(std::move(bytes));
  tail_.Append({owner, std::string_view(*owner)});
}

void XdrEncoder::PutOpaqueTail(std::vector<SharedBytes> pieces, size_t size) {
  PutU32(static_cast<uint32_t>(size));
  tail_ = XdrTail();
  tail_.pieces = std::move(pieces);
  tail_.size = size;
  if (const size_t pad = XdrPad(size); pad > 0) tail_.Append({nullptr, {kPadding, pad}});
}

void XdrEncoder::PatchU32(size_t pos, uint32_t v) {
  for (int i = 0; i < 4; i++) out_[pos + i] = static_cast<char>(v >> (8 * (3 - i)));
}

bool XdrDecoder::Need(size_t n) {
  if (!ok_ || in_.size() - pos_ < n) return Fail();
  return true;
}

bool XdrDecoder::GetU32(uint32_t* v) {
  if (!Need(4)) return false;
  *v = LoadBE32(in_.data() + pos_);
  pos_ += 4;
  return true;
}

bool XdrDecoder::GetU64(uint64_t* v) {
  if (!Need(8)) return false;
  *v = LoadBE64(in_.data() + pos_);
  pos_ += 8;
  return true;
}

bool XdrDecoder::GetBool(bool* v) {
  uint32_t w;
  if (!GetU32(&w)) return false;
  if (w > 1) return Fail();
  *v = w == 1;
  return true;
}

bool XdrDecoder::GetFixed(size_t n, std::string_view* out) {
  size_t padded = n + XdrPad(n);
  if (n > in_.size() || !Need(padded)) return Fail();
  *out = in_.substr(pos_, n);
  pos_ += padded;
  return true;
}

bool XdrDecoder::GetOpaque(size_t max, std::string_view* out) {
  uint32_t n;
  if (!GetU32(&n)) return false;
  if (n > max) return Fail();
  return GetFixed(n, out);
}

}  // namespace zerofs::nfs
