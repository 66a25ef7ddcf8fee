#include "nfs/nfs3_encode.h"

#include "nfs/file_handle.h"

namespace zerofs::nfs {

Ftype3 ToFtype3(fs::FileType type) {
  switch (type) {
    case fs::FileType::kRegular:
      return Ftype3::kReg;
    case fs::FileType::kDirectory:
      return Ftype3::kDir;
    case fs::FileType::kSymlink:
      return Ftype3::kLnk;
    case fs::FileType::kCharDevice:
      return Ftype3::kChr;
    case fs::FileType::kBlockDevice:
      return Ftype3::kBlk;
    case fs::FileType::kFifo:
      return Ftype3::kFifo;
    case fs::FileType::kSocket:
      return Ftype3::kSock;
  }
  return Ftype3::kReg;
}

void EncodeTime(XdrEncoder* enc, const fs::Timespec& t) {
  // nfstime3 seconds are unsigned 32-bit; times before 1970 or after 2106
  // are clamped.
  uint32_t sec = t.sec < 0 ? 0 : t.sec > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(t.sec);
  enc->PutU32(sec);
  enc->PutU32(t.nsec);
}

void EncodeFattr3(XdrEncoder* enc, const fs::Attr& a) {
  enc->PutU32(static_cast<uint32_t>(ToFtype3(a.type)));
  enc->PutU32(a.mode & 07777);
  enc->PutU32(a.nlink);
  enc->PutU32(a.uid);
  enc->PutU32(a.gid);
  enc->PutU64(a.size);
  enc->PutU64(a.used);
  enc->PutU32(a.rdev_major);
  enc->PutU32(a.rdev_minor);
  enc->PutU64(kFsid);
  enc->PutU64(a.ino);
  EncodeTime(enc, a.atime);
  EncodeTime(enc, a.mtime);
  EncodeTime(enc, a.ctime);
}

void EncodePostOpAttr(XdrEncoder* enc, const std::optional<fs::Attr>& attr) {
  enc->PutBool(attr.has_value());
  if (attr) EncodeFattr3(enc, *attr);
}

void EncodeWccData(XdrEncoder* enc, const std::optional<PreOpAttr>& before,
                   const std::optional<fs::Attr>& after) {
  enc->PutBool(before.has_value());
  if (before) {
    enc->PutU64(before->size);
    EncodeTime(enc, before->mtime);
    EncodeTime(enc, before->ctime);
  }
  EncodePostOpAttr(enc, after);
}

void EncodePostOpFh(XdrEncoder* enc, const std::optional<fs::Attr>& attr) {
  enc->PutBool(attr.has_value());
  if (attr) enc->PutOpaque(FileHandle::From(*attr).Encode());
}

}  // namespace zerofs::nfs
