// XDR encoders for the NFSv3 result building blocks (RFC 1813 section 2.6):
// fattr3, post_op_attr, pre_op_attr/wcc_data, post_op_fh3.
#pragma once

#include <optional>

#include "fs/filesystem.h"
#include "nfs/nfs3_types.h"
#include "nfs/xdr.h"

namespace zerofs::nfs {

// fsid reported in every fattr3: one filesystem per server.
constexpr uint64_t kFsid = 0x7a65726f6673;  // "zerofs"

Ftype3 ToFtype3(fs::FileType type);

// Attributes sampled before an operation, for wcc_data.
struct PreOpAttr {
  uint64_t size = 0;
  fs::Timespec mtime, ctime;
  static PreOpAttr From(const fs::Attr& a) { return {a.size, a.mtime, a.ctime}; }
};

void EncodeTime(XdrEncoder* enc, const fs::Timespec& t);
void EncodeFattr3(XdrEncoder* enc, const fs::Attr& attr);
void EncodePostOpAttr(XdrEncoder* enc, const std::optional<fs::Attr>& attr);
void EncodeWccData(XdrEncoder* enc, const std::optional<PreOpAttr>& before,
                   const std::optional<fs::Attr>& after);
void EncodePostOpFh(XdrEncoder* enc, const std::optional<fs::Attr>& attr);

// Encoded sizes, for READDIR/READDIRPLUS budgets.
constexpr size_t kFattr3Size = 84;
constexpr size_t kPostOpAttrSize = 4 + kFattr3Size;

}  // namespace zerofs::nfs
