#include "crypto/codec.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "base/coding.h"

namespace zerofs::crypto {

namespace {

constexpr size_t kLz4LengthBytes = 4;

// Compression contexts are expensive to create; each thread keeps one.
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  return cctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  return dctx.get();
}

Error CodecCorrupt(const std::string& what) { return Error(Code::kCorruption, "codec: " + what); }

std::string SizeTooBig(uint64_t size, size_t max_size) {
  return "decoded size " + std::to_string(size) + " exceeds limit " + std::to_string(max_size);
}

// Writes a zstd frame for `in` at (*out)[start...]; returns the body size, or
// 0 if compression failed or did not shrink the input.
size_t CompressZstd(int level, std::string_view in, std::string* out, size_t start) {
  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return 0;
  out->resize(start + ZSTD_compressBound(in.size()));
  // ZSTD_compressCCtx records the content size in the frame header, which
  // Decode requires to bound its allocation.
  size_t n = ZSTD_compressCCtx(cctx, out->data() + start, out->size() - start, in.data(), in.size(),
                               std::clamp(level, kMinZstdLevel, kMaxZstdLevel));
  if (ZSTD_isError(n)) return 0;
  return n;
}

size_t CompressLz4(std::string_view in, std::string* out, size_t start) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return 0;
  const int src_size = static_cast<int>(in.size());
  const int bound = LZ4_compressBound(src_size);
  out->resize(start + kLz4LengthBytes + static_cast<size_t>(bound));
  char* p = out->data() + start;
  const uint32_t len = static_cast<uint32_t>(in.size());
  for (size_t i = 0; i < kLz4LengthBytes; i++) p[i] = static_cast<char>(len >> (8 * i));
  int n = LZ4_compress_default(in.data(), p + kLz4LengthBytes, src_size, bound);
  if (n <= 0) return 0;
  return kLz4LengthBytes + static_cast<size_t>(n);
}

// Makes *out exactly `size` bytes long without zero-filling bytes it has
// already (they are overwritten next).
void SizeFor(std::string* out, size_t size) {
  if (out->size() < size) out->resize(size);
  out->resize(size);  // shrinking writes only the terminator
}

Status DecodeZstd(std::string_view body, size_t max_size, std::string* out) {
  const unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return CodecCorrupt("malformed zstd frame header");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return CodecCorrupt("zstd frame without content size");
  if (size > max_size) return CodecCorrupt(SizeTooBig(size, max_size));
  // Exactly one frame and nothing after it: trailing bytes mean damage.
  const size_t frame_size = ZSTD_findFrameCompressedSize(body.data(), body.size());
  if (ZSTD_isError(frame_size) || frame_size != body.size()) {
    return CodecCorrupt("malformed zstd frame");
  }
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return Error(Code::kIoError, "codec: cannot allocate zstd context");
  SizeFor(out, static_cast<size_t>(size));
  const size_t n = ZSTD_decompressDCtx(dctx, out->data(), out->size(), body.data(), body.size());
  if (ZSTD_isError(n)) {
    return CodecCorrupt(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  if (n != size) return CodecCorrupt("zstd frame shorter than its declared size");
  return OkStatus();
}

Status DecodeLz4(std::string_view body, size_t max_size, std::string* out) {
  if (body.size() < kLz4LengthBytes) return CodecCorrupt("lz4 body too short");
  const uint32_t size = LoadLE32(body.data());
  if (size > max_size) return CodecCorrupt(SizeTooBig(size, max_size));
  if (size > static_cast<uint32_t>(LZ4_MAX_INPUT_SIZE))
    return CodecCorrupt("lz4 size out of range");
  body.remove_prefix(kLz4LengthBytes);
  if (body.size() > static_cast<size_t>(LZ4_compressBound(static_cast<int>(size)))) {
    return CodecCorrupt("lz4 block larger than its bound");
  }
  SizeFor(out, size);
  const int n = LZ4_decompress_safe(body.data(), out->data(), static_cast<int>(body.size()),
                                    static_cast<int>(size));
  if (n < 0 || static_cast<uint32_t>(n) != size) return CodecCorrupt("malformed lz4 block");
  return OkStatus();
}

Error BadName(std::string_view name, const char* accepted) {
  return Error(Code::kInvalidArgument,
               "unknown compression \"" + std::string(name) + "\" (accepted: " + accepted + ")");
}

}  // namespace

Result<Codec> ParseCodec(std::string_view name) {
  if (name == "zstd") return Codec::kZstd;
  if (name == "lz4") return Codec::kLz4;
  if (name == "none" || name == "raw") return Codec::kRaw;
  return BadName(name, "zstd, lz4, none, raw");
}

Result<std::pair<Codec, int>> ParseCompression(std::string_view name) {
  constexpr std::string_view kZstdPrefix = "zstd-";
  constexpr const char* kAccepted = "zstd, zstd-1 .. zstd-19, lz4, none, raw";
  if (name.substr(0, kZstdPrefix.size()) == kZstdPrefix) {
    std::string_view digits = name.substr(kZstdPrefix.size());
    int level = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), level);
    if (digits.empty() || digits[0] == '+' || ec != std::errc() ||
        end != digits.data() + digits.size() || level < kMinZstdLevel || level > kMaxZstdLevel) {
      return BadName(name, kAccepted);
    }
    return std::pair<Codec, int>{Codec::kZstd, level};
  }
  auto codec = ParseCodec(name);
  if (!codec.ok()) return BadName(name, kAccepted);
  return std::pair<Codec, int>{*codec, *codec == Codec::kZstd ? kDefaultZstdLevel : 0};
}

const char* CodecName(Codec c) {
  switch (c) {
    case Codec::kRaw:
      return "raw";
    case Codec::kZstd:
      return "zstd";
    case Codec::kLz4:
      return "lz4";
  }
  return "unknown";
}

void Encode(Codec codec, int level, std::string_view in, std::string* out) {
  const size_t start = out->size();
  out->push_back(static_cast<char>(codec));
  size_t body = 0;
  switch (codec) {
    case Codec::kZstd:
      body = CompressZstd(level, in, out, start + 1);
      break;
    case Codec::kLz4:
      body = CompressLz4(in, out, start + 1);
      break;
    case Codec::kRaw:
      break;
  }
  if (body == 0 || body >= in.size()) {
    // Not smaller (or not compressible at all): store the bytes as they are.
    out->resize(start);
    out->push_back(static_cast<char>(Codec::kRaw));
    out->append(in.data(), in.size());
    return;
  }
  out->resize(start + 1 + body);
}

Status DecodeTo(std::string_view in, size_t max_size, std::string* out) {
  if (in.empty()) return CodecCorrupt("missing codec byte");
  const uint8_t codec = static_cast<uint8_t>(in[0]);
  std::string_view body = in.substr(1);
  switch (codec) {
    case static_cast<uint8_t>(Codec::kRaw):
      if (body.size() > max_size) return CodecCorrupt(SizeTooBig(body.size(), max_size));
      out->assign(body);
      return OkStatus();
    case static_cast<uint8_t>(Codec::kZstd):
      return DecodeZstd(body, max_size, out);
    case static_cast<uint8_t>(Codec::kLz4):
      return DecodeLz4(body, max_size, out);
  }
  return CodecCorrupt("unknown codec " + std::to_string(codec));
}

Result<std::string> Decode(std::string_view in, size_t max_size) {
  std::string out;
  ZFS_RETURN_IF_ERROR(DecodeTo(in, max_size, &out));
  return out;
}

}  // namespace zerofs::crypto
