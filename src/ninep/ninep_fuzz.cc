// libFuzzer target for the 9P2000.L decoders: any byte string must decode
// to a message or an error, never crash or read out of bounds; whatever
// decodes must re-encode to the same frame (the codec is canonical).
//
// Built by fuzz/CMakeLists.txt (ZEROFS_FUZZ=ON, clang); run with
// scripts/fuzz.sh [SECONDS] ninep_fuzz (seeds in fuzz/corpus/ninep_fuzz).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ninep/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zerofs::ninep;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto req = DecodeRequest(in);
  if (req.ok() && EncodeRequest(req->tag, req->msg) != in) {
    // Tfsync without its optional datasync re-encodes 4 bytes longer.
    if (TypeOf(req->msg) != MsgType::kTfsync) std::abort();
  }
  auto resp = DecodeResponse(in);
  if (resp.ok()) {
    if (EncodeResponse(resp->tag, resp->msg) != in) std::abort();
    if (auto* rd = std::get_if<Rreaddir>(&resp->msg)) ParseDirents(rd->data).Ignore();
    if (auto* rp = std::get_if<Rreaddirplus>(&resp->msg)) {
      // Whatever parses re-encodes to the same bytes.
      auto entries = ParseDirentsPlus(rp->data);
      if (entries.ok()) {
        std::string again;
        for (const auto& e : *entries) AppendDirentPlus(&again, e);
        if (again != rp->data) std::abort();
      }
    }
  }
  return 0;
}
