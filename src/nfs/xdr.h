// XDR (RFC 4506) encoding for ONC RPC: every item is a multiple of four
// bytes, integers are big-endian, opaque data and strings carry a 32-bit
// length and are zero-padded to a four-byte boundary.
//
// XdrDecoder reads untrusted bytes: every Get* checks bounds and length
// limits, and once a read fails the decoder stays failed (ok() == false), so
// a caller may decode a whole structure and check ok() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zerofs::nfs {

// Bytes of padding after `n` bytes of opaque data.
constexpr size_t XdrPad(size_t n) { return (4 - (n & 3)) & 3; }

// Bytes kept alive by `owner` (null: static bytes), sent without a copy.
struct SharedBytes {
  std::shared_ptr<const std::string> owner;
  std::string_view bytes;
};
// Bulk data after a reply's head, as pieces to send with one gather write.
struct XdrTail {
  std::vector<SharedBytes> pieces;
  size_t size = 0;  // sum of the pieces' sizes

  void Append(SharedBytes piece) {
    size += piece.bytes.size();
    pieces.push_back(std::move(piece));
  }
  std::string Flatten() const;
};

class XdrEncoder {
 public:
  XdrEncoder() = default;
  explicit XdrEncoder(std::string initial) : out_(std::move(initial)) {}

  void PutU32(uint32_t v);
  void PutU64(uint64_t v);
  void PutBool(bool v) { PutU32(v ? 1 : 0); }
  // Fixed-length opaque[n]: the bytes plus padding, no length word.
  void PutFixed(std::string_view bytes);
  // Variable-length opaque<> or string<>: length word, bytes, padding.
  void PutOpaque(std::string_view bytes);
  // PutOpaque of bulk data (READ) that must be the last item: the bytes are
  // kept as the tail (TakeTail) instead of being copied after the head, so a
  // server can send head and tail with one gather write.
  void PutOpaqueTail(std::string bytes);
  // The same with the data in shared pieces (`size` bytes in all), which
  // are not copied.
  void PutOpaqueTail(std::vector<SharedBytes> pieces, size_t size);

  // Bytes of the head (without the tail).
  size_t size() const { return out_.size(); }
  // The big-endian word written at `pos`. REQUIRES: pos + 4 <= size().
  uint32_t U32At(size_t pos) const {
    const auto* b = reinterpret_cast<const unsigned char*>(out_.data() + pos);
    return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  }
  size_t tail_size() const { return tail_.size; }
  // Drops everything after the first `n` bytes, and the tail (to replace a
  // partial reply).
  void Truncate(size_t n) {
    out_.resize(n);
    tail_ = XdrTail();
  }
  // Overwrites a word written earlier at byte offset `pos`.
  void PatchU32(size_t pos, uint32_t v);
  // Reserves capacity for `n` more bytes.
  void Reserve(size_t n) { out_.reserve(out_.size() + n); }

  const std::string& bytes() const { return out_; }
  // The head; with a tail, the encoding is Take() + TakeTail().
  std::string Take() { return std::move(out_); }
  XdrTail TakeTail() { return std::move(tail_); }

 private:
  std::string out_;
  XdrTail tail_;
};

class XdrDecoder {
 public:
  explicit XdrDecoder(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  // True when every byte was consumed without error.
  bool done() const { return ok_ && pos_ == in_.size(); }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  size_t position() const { return pos_; }

  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  // Only 0 and 1 are valid booleans.
  bool GetBool(bool* v);
  // Fixed-length opaque[n] plus padding.
  bool GetFixed(size_t n, std::string_view* out);
  // Variable-length opaque<max> / string<max>; a longer length fails.
  bool GetOpaque(size_t max, std::string_view* out);
  // Marks the decoder failed (e.g. an enum value out of range).
  bool Fail() {
    ok_ = false;
    return false;
  }

 private:
  bool Need(size_t n);

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace zerofs::nfs
