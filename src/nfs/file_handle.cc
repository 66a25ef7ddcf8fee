#include "nfs/file_handle.h"

#include "base/coding.h"

namespace zerofs::nfs {

std::string FileHandle::Encode() const {
  std::string out;
  out.reserve(kFileHandleSize);
  PutU8(&out, kFileHandleVersion);
  out.append(3, '\0');
  PutBE64(&out, ino);
  PutBE64(&out, generation);
  return out;
}

std::optional<FileHandle> FileHandle::Decode(std::string_view b) {
  if (b.size() != kFileHandleSize) return std::nullopt;
  if (static_cast<uint8_t>(b[0]) != kFileHandleVersion || b[1] != 0 || b[2] != 0 || b[3] != 0) {
    return std::nullopt;
  }
  FileHandle fh{LoadBE64(b.data() + 4), LoadBE64(b.data() + 12)};
  if (fh.ino == 0) return std::nullopt;
  return fh;
}

}  // namespace zerofs::nfs
