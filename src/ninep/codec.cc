#include "ninep/codec.h"

#include <algorithm>
#include <cerrno>

#include "base/coding.h"
#include "ninep/codec_fields.h"

namespace zerofs::ninep {

namespace {

using codec_internal::Blob32;
using codec_internal::Fields;
using codec_internal::OptionalU32;

constexpr size_t kMaxString = 0xFFFF;

// ---- Encoding --------------------------------------------------------------

void PutString(std::string* out, std::string_view s) {
  s = s.substr(0, std::min(s.size(), kMaxString));
  PutLE16(out, static_cast<uint16_t>(s.size()));
  out->append(s);
}

void PutQid(std::string* out, const Qid& q) {
  PutU8(out, q.type);
  PutLE32(out, q.version);
  PutLE64(out, q.path);
}

struct Writer {
  std::string* out;

  template <typename... A>
  void operator()(const A&... a) {
    (One(a), ...);
  }
  void One(uint8_t v) { PutU8(out, v); }
  void One(uint16_t v) { PutLE16(out, v); }
  void One(uint32_t v) { PutLE32(out, v); }
  void One(uint64_t v) { PutLE64(out, v); }
  void One(const std::string& s) { PutString(out, s); }
  void One(const Qid& q) { PutQid(out, q); }
  void One(const std::vector<std::string>& names) {
    PutLE16(out, static_cast<uint16_t>(names.size()));
    for (const auto& n : names) PutString(out, n);
  }
  void One(const std::vector<Qid>& qids) {
    PutLE16(out, static_cast<uint16_t>(qids.size()));
    for (const auto& q : qids) PutQid(out, q);
  }
  template <typename S>
  void One(const Blob32<S>& b) {
    PutLE32(out, static_cast<uint32_t>(b.s.size()));
    out->append(b.s.data(), b.s.size());
  }
  template <typename U>
  void One(const OptionalU32<U>& o) {
    PutLE32(out, o.v);
  }
  void One(const Tsetattr& m) { Fields(*this, m); }
  void One(const Tunlinkat& m) { Fields(*this, m); }
  void One(const Rgetattr& m) { Fields(*this, m); }
};

template <typename Variant>
std::string Encode(uint16_t tag, const Variant& msg) {
  std::string out;
  out.resize(kSizeFieldSize);
  std::visit(
      [&](const auto& m) {
        PutU8(&out, static_cast<uint8_t>(m.kType));
        PutLE16(&out, tag);
        Writer w{&out};
        Fields(w, m);
      },
      msg);
  uint32_t size = static_cast<uint32_t>(out.size());
  for (int i = 0; i < 4; i++) out[i] = static_cast<char>(size >> (8 * i));
  return out;
}

// ---- Decoding --------------------------------------------------------------

struct Reader {
  Decoder d;

  template <typename... A>
  void operator()(A&&... a) {
    (One(a), ...);
  }
  void One(uint8_t& v) { d.GetU8(&v); }
  void One(uint16_t& v) { d.GetLE16(&v); }
  void One(uint32_t& v) { d.GetLE32(&v); }
  void One(uint64_t& v) { d.GetLE64(&v); }
  void One(std::string& s) {
    uint16_t n = 0;
    std::string_view v;
    if (d.GetLE16(&n) && d.GetRaw(n, &v)) s.assign(v);
  }
  void One(Qid& q) {
    d.GetU8(&q.type);
    d.GetLE32(&q.version);
    d.GetLE64(&q.path);
  }
  // Count-prefixed lists: the count is checked against the limit before any
  // element is read, so a forged count cannot make us allocate.
  bool ListCount(uint16_t* n) {
    if (!d.GetLE16(n)) return false;
    if (*n > kMaxWalkElements) {
      too_many = true;
      return false;
    }
    return true;
  }
  void One(std::vector<std::string>& names) {
    uint16_t n = 0;
    if (!ListCount(&n)) return;
    names.resize(n);
    for (auto& s : names) One(s);
  }
  void One(std::vector<Qid>& qids) {
    uint16_t n = 0;
    if (!ListCount(&n)) return;
    qids.resize(n);
    for (auto& q : qids) One(q);
  }
  void One(Blob32<std::string_view> b) { d.GetBytes32(&b.s); }
  void One(Blob32<std::string> b) {
    std::string_view v;
    if (d.GetBytes32(&v)) b.s.assign(v);
  }
  void One(OptionalU32<uint32_t> o) {
    if (d.remaining() > 0) d.GetLE32(&o.v);
  }
  void One(Tsetattr& m) { Fields(*this, m); }
  void One(Tunlinkat& m) { Fields(*this, m); }
  void One(Rgetattr& m) { Fields(*this, m); }

  bool too_many = false;
};

// Finds the alternative of `Variant` whose kType is `type` and decodes it.
template <typename Variant, size_t I = 0>
Result<Variant> DecodeBody(uint8_t type, std::string_view body) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return Error::Posix(EOPNOTSUPP, std::string("unsupported message ") + MsgTypeName(type));
  } else {
    using M = std::variant_alternative_t<I, Variant>;
    if (static_cast<uint8_t>(M::kType) != type) return DecodeBody<Variant, I + 1>(type, body);
    M m;
    Reader r{Decoder(body)};
    Fields(r, m);
    if (r.too_many) {
      return Error::Posix(EINVAL, std::string(MsgTypeName(type)) + ": more than 16 elements");
    }
    if (!r.d.ok()) return Error::Posix(EINVAL, std::string(MsgTypeName(type)) + ": truncated");
    if (!r.d.done()) {
      return Error::Posix(EINVAL, std::string(MsgTypeName(type)) + ": trailing bytes");
    }
    return Variant(std::move(m));
  }
}

template <typename Variant, typename Out>
Result<Out> Decode(std::string_view frame) {
  auto h = ParseHeader(frame);
  if (!h) return Error::Posix(EPROTO, "bad 9P frame header");
  auto body = DecodeBody<Variant>(h->type, frame.substr(kHeaderSize));
  if (!body.ok()) return body.error();
  return Out{h->tag, std::move(body).value()};
}

}  // namespace

std::optional<Header> ParseHeader(std::string_view frame) {
  if (frame.size() < kHeaderSize) return std::nullopt;
  Header h;
  h.size = LoadLE32(frame.data());
  if (h.size != frame.size()) return std::nullopt;
  h.type = static_cast<uint8_t>(frame[4]);
  h.tag = LoadLE16(frame.data() + 5);
  return h;
}

Result<Request> DecodeRequest(std::string_view frame) { return Decode<TMessage, Request>(frame); }
std::string EncodeRequest(uint16_t tag, const TMessage& msg) { return Encode(tag, msg); }

Result<Response> DecodeResponse(std::string_view frame) {
  return Decode<RMessage, Response>(frame);
}
std::string EncodeResponse(uint16_t tag, const RMessage& msg) { return Encode(tag, msg); }

MsgType TypeOf(const TMessage& msg) {
  return std::visit([](const auto& m) { return m.kType; }, msg);
}
MsgType TypeOf(const RMessage& msg) {
  return std::visit([](const auto& m) { return m.kType; }, msg);
}

void AppendDirent(std::string* data, const Dirent& d) {
  PutQid(data, d.qid);
  PutLE64(data, d.offset);
  PutU8(data, d.type);
  PutString(data, d.name);
}

namespace {

// Parses entries until `data` ends; `one` reads one entry's fields.
template <typename Entry, typename ReadOne>
Result<std::vector<Entry>> ParseEntries(std::string_view data, const char* what, ReadOne one) {
  std::vector<Entry> out;
  Reader r{Decoder(data)};
  while (r.d.ok() && r.d.remaining() > 0) {
    Entry e;
    one(r, e);
    if (!r.d.ok()) break;
    out.push_back(std::move(e));
  }
  if (!r.d.ok()) return Error::Posix(EINVAL, std::string(what) + ": truncated entry");
  return out;
}

}  // namespace

Result<std::vector<Dirent>> ParseDirents(std::string_view data) {
  return ParseEntries<Dirent>(data, "Rreaddir",
                              [](Reader& r, Dirent& e) { r(e.qid, e.offset, e.type, e.name); });
}

void AppendDirentPlus(std::string* data, const DirentPlus& e) {
  AppendDirent(data, e.d);
  Writer{data}.One(e.attr);
}

Result<std::vector<DirentPlus>> ParseDirentsPlus(std::string_view data) {
  return ParseEntries<DirentPlus>(data, "Rreaddirplus", [](Reader& r, DirentPlus& e) {
    r(e.d.qid, e.d.offset, e.d.type, e.d.name, e.attr);
  });
}

}  // namespace zerofs::ninep
