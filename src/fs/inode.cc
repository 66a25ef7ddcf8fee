#include "fs/inode.h"

#include "base/coding.h"

namespace zerofs::fs {

namespace {

void PutTime(std::string* dst, const Timespec& t) {
  PutLE64(dst, static_cast<uint64_t>(t.sec));
  PutLE32(dst, t.nsec);
}

bool GetTime(Decoder* d, Timespec* t) {
  uint64_t sec;
  if (!d->GetLE64(&sec) || !d->GetLE32(&t->nsec)) return false;
  t->sec = static_cast<int64_t>(sec);
  return t->nsec < 1'000'000'000;
}

}  // namespace

void InodeRecord::EncodeTo(std::string* dst) const {
  PutU8(dst, kInodeRecordVersion);
  PutU8(dst, static_cast<uint8_t>(type));
  PutLE32(dst, mode);
  PutLE32(dst, nlink);
  PutLE32(dst, uid);
  PutLE32(dst, gid);
  PutLE64(dst, size);
  PutTime(dst, atime);
  PutTime(dst, mtime);
  PutTime(dst, ctime);
  PutTime(dst, btime);
  PutLE32(dst, rdev_major);
  PutLE32(dst, rdev_minor);
  PutLE64(dst, generation);
  PutLE64(dst, parent);
  PutLE64(dst, next_cookie);
  PutBytes32(dst, target);
}

bool InodeRecord::DecodeFrom(std::string_view src, InodeRecord* rec) {
  Decoder d(src);
  uint8_t version, type;
  if (!d.GetU8(&version) || version != kInodeRecordVersion) return false;
  if (!d.GetU8(&type) || type < 1 || type > 7) return false;
  rec->type = static_cast<FileType>(type);
  std::string_view target;
  bool ok = d.GetLE32(&rec->mode) && d.GetLE32(&rec->nlink) && d.GetLE32(&rec->uid) &&
            d.GetLE32(&rec->gid) && d.GetLE64(&rec->size) && GetTime(&d, &rec->atime) &&
            GetTime(&d, &rec->mtime) && GetTime(&d, &rec->ctime) && GetTime(&d, &rec->btime) &&
            d.GetLE32(&rec->rdev_major) && d.GetLE32(&rec->rdev_minor) &&
            d.GetLE64(&rec->generation) && d.GetLE64(&rec->parent) &&
            d.GetLE64(&rec->next_cookie) && d.GetBytes32(&target, kMaxSymlinkTarget) && d.done();
  if (!ok || (rec->mode & ~07777u) != 0) return false;
  rec->target.assign(target);
  return true;
}

Attr InodeRecord::ToAttr(InodeId ino) const {
  Attr a;
  a.ino = ino;
  a.type = type;
  a.mode = mode;
  a.nlink = nlink;
  a.uid = uid;
  a.gid = gid;
  switch (type) {
    case FileType::kDirectory:
      a.size = 4096;
      a.used = 4096;
      break;
    case FileType::kRegular:
      a.size = size;
      // Apparent size in 4 KiB units, an upper bound; FileSystem::Impl::AttrOf
      // replaces it with the bytes the engine stored (holes left out).
      a.used = size > kMaxFileSize - 4095 ? size : (size + 4095) / 4096 * 4096;
      break;
    case FileType::kSymlink:
      a.size = target.size();
      break;
    default:
      break;
  }
  a.rdev_major = rdev_major;
  a.rdev_minor = rdev_minor;
  a.atime = atime;
  a.mtime = mtime;
  a.ctime = ctime;
  a.btime = btime;
  a.generation = generation;
  return a;
}

}  // namespace zerofs::fs
