// Fixed-width integer coding for every byte format ZeroFS writes.
//
// All on-disk and in-bucket integers are little-endian unless a format says
// otherwise; index keys use big-endian so that RocksDB's bytewise order matches
// numeric order (see docs/FORMAT.md). Decoder never reads past its input: every
// Get* returns false once the input is exhausted and stays failed.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace zerofs {

inline void PutU8(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }

inline void PutLE16(std::string* dst, uint16_t v) {
  char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  dst->append(b, 2);
}
inline void PutLE32(std::string* dst, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; i++) b[i] = static_cast<char>(v >> (8 * i));
  dst->append(b, 4);
}
inline void PutLE64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; i++) b[i] = static_cast<char>(v >> (8 * i));
  dst->append(b, 8);
}
inline void PutBE32(std::string* dst, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; i++) b[i] = static_cast<char>(v >> (8 * (3 - i)));
  dst->append(b, 4);
}
inline void PutBE64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; i++) b[i] = static_cast<char>(v >> (8 * (7 - i)));
  dst->append(b, 8);
}
// Length-prefixed (LE32) byte string.
inline void PutBytes32(std::string* dst, std::string_view s) {
  PutLE32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s.data(), s.size());
}

inline uint16_t LoadLE16(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(b[0] | (b[1] << 8));
}
inline uint32_t LoadLE32(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}
inline uint64_t LoadLE64(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}
inline uint32_t LoadBE32(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = (v << 8) | b[i];
  return v;
}
inline uint64_t LoadBE64(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
  return v;
}

// Bounds-checked sequential reader over untrusted bytes.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  bool done() const { return ok_ && pos_ == in_.size(); }

  bool GetU8(uint8_t* v) {
    if (!Need(1)) return false;
    *v = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool GetLE16(uint16_t* v) { return GetWith(v, 2, LoadLE16); }
  bool GetLE32(uint32_t* v) { return GetWith(v, 4, LoadLE32); }
  bool GetLE64(uint64_t* v) { return GetWith(v, 8, LoadLE64); }
  bool GetBE32(uint32_t* v) { return GetWith(v, 4, LoadBE32); }
  bool GetBE64(uint64_t* v) { return GetWith(v, 8, LoadBE64); }

  // Reads exactly n raw bytes.
  bool GetRaw(size_t n, std::string_view* out) {
    if (!Need(n)) return false;
    *out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // Reads a LE32 length then that many bytes; fails if length > max_len.
  bool GetBytes32(std::string_view* out, size_t max_len = SIZE_MAX) {
    uint32_t n;
    if (!GetLE32(&n)) return false;
    if (n > max_len) return Fail();
    return GetRaw(n, out);
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) return Fail();
    return true;
  }
  bool Fail() {
    ok_ = false;
    return false;
  }
  template <typename T, typename F>
  bool GetWith(T* v, size_t n, F load) {
    if (!Need(n)) return false;
    *v = static_cast<T>(load(in_.data() + pos_));
    pos_ += n;
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace zerofs
