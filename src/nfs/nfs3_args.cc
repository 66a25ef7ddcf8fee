#include "nfs/nfs3_args.h"

namespace zerofs::nfs {

namespace {

bool DecodeTime(XdrDecoder* d, NfsTime* t) { return d->GetU32(&t->sec) && d->GetU32(&t->nsec); }

template <typename T>
bool DecodeOptional(XdrDecoder* d, std::optional<T>* out) {
  bool set;
  if (!d->GetBool(&set)) return false;
  if (!set) return true;
  T v;
  bool ok;
  if constexpr (sizeof(T) == 8) {
    ok = d->GetU64(&v);
  } else {
    ok = d->GetU32(&v);
  }
  if (ok) *out = v;
  return ok;
}

bool DecodeSetTime(XdrDecoder* d, TimeHow* how, NfsTime* t) {
  uint32_t v;
  if (!d->GetU32(&v)) return false;
  if (v > static_cast<uint32_t>(TimeHow::kClientTime)) return d->Fail();
  *how = static_cast<TimeHow>(v);
  return *how != TimeHow::kClientTime || DecodeTime(d, t);
}

}  // namespace

bool DecodeHandle(XdrDecoder* d, std::string_view* fh) { return d->GetOpaque(kNfs3FhSize, fh); }

bool DecodeDirOpArgs(XdrDecoder* d, DirOpArgs* a) {
  return DecodeHandle(d, &a->dir) && d->GetOpaque(kMaxNameDecode, &a->name);
}

bool DecodeSattr3(XdrDecoder* d, Sattr3* s) {
  return DecodeOptional(d, &s->mode) && DecodeOptional(d, &s->uid) && DecodeOptional(d, &s->gid) &&
         DecodeOptional(d, &s->size) && DecodeSetTime(d, &s->atime_how, &s->atime) &&
         DecodeSetTime(d, &s->mtime_how, &s->mtime);
}

bool DecodeNullArgs(std::string_view in) { return in.empty(); }

bool DecodeFhArgs(std::string_view in, FhArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->object);
  return d.done();
}

bool DecodeSetattrArgs(std::string_view in, SetattrArgs* a) {
  XdrDecoder d(in);
  bool check = false;
  if (DecodeHandle(&d, &a->object) && DecodeSattr3(&d, &a->attrs) && d.GetBool(&check) && check) {
    NfsTime t;
    if (DecodeTime(&d, &t)) a->guard_ctime = t;
  }
  return d.done();
}

bool DecodeLookupArgs(std::string_view in, LookupArgs* a) {
  XdrDecoder d(in);
  DecodeDirOpArgs(&d, &a->what);
  return d.done();
}

bool DecodeAccessArgs(std::string_view in, AccessArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->object) && d.GetU32(&a->access);
  return d.done();
}

bool DecodeReadArgs(std::string_view in, ReadArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->file) && d.GetU64(&a->offset) && d.GetU32(&a->count);
  return d.done();
}

bool DecodeWriteArgs(std::string_view in, WriteArgs* a) {
  XdrDecoder d(in);
  uint32_t stable;
  if (DecodeHandle(&d, &a->file) && d.GetU64(&a->offset) && d.GetU32(&a->count) &&
      d.GetU32(&stable)) {
    if (stable > static_cast<uint32_t>(StableHow::kFileSync)) return false;
    a->stable = static_cast<StableHow>(stable);
    d.GetOpaque(in.size(), &a->data);
  }
  return d.done();
}

bool DecodeCreateArgs(std::string_view in, CreateArgs* a) {
  XdrDecoder d(in);
  uint32_t mode;
  if (DecodeDirOpArgs(&d, &a->where) && d.GetU32(&mode)) {
    if (mode > static_cast<uint32_t>(CreateMode::kExclusive)) return false;
    a->mode = static_cast<CreateMode>(mode);
    if (a->mode == CreateMode::kExclusive) {
      d.GetFixed(kCreateVerfSize, &a->verf);
    } else {
      DecodeSattr3(&d, &a->attrs);
    }
  }
  return d.done();
}

bool DecodeMkdirArgs(std::string_view in, MkdirArgs* a) {
  XdrDecoder d(in);
  DecodeDirOpArgs(&d, &a->where) && DecodeSattr3(&d, &a->attrs);
  return d.done();
}

bool DecodeSymlinkArgs(std::string_view in, SymlinkArgs* a) {
  XdrDecoder d(in);
  DecodeDirOpArgs(&d, &a->where) && DecodeSattr3(&d, &a->attrs) &&
      d.GetOpaque(kMaxPathDecode, &a->target);
  return d.done();
}

bool DecodeMknodArgs(std::string_view in, MknodArgs* a) {
  XdrDecoder d(in);
  uint32_t type;
  if (DecodeDirOpArgs(&d, &a->where) && d.GetU32(&type)) {
    if (type < static_cast<uint32_t>(Ftype3::kReg) || type > static_cast<uint32_t>(Ftype3::kFifo)) {
      return false;
    }
    a->type = static_cast<Ftype3>(type);
    switch (a->type) {
      case Ftype3::kChr:
      case Ftype3::kBlk:
        DecodeSattr3(&d, &a->attrs) && d.GetU32(&a->major) && d.GetU32(&a->minor);
        break;
      case Ftype3::kSock:
      case Ftype3::kFifo:
        DecodeSattr3(&d, &a->attrs);
        break;
      default:  // REG, DIR, LNK: void arm; the procedure answers BADTYPE
        break;
    }
  }
  return d.done();
}

bool DecodeRenameArgs(std::string_view in, RenameArgs* a) {
  XdrDecoder d(in);
  DecodeDirOpArgs(&d, &a->from) && DecodeDirOpArgs(&d, &a->to);
  return d.done();
}

bool DecodeLinkArgs(std::string_view in, LinkArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->file) && DecodeDirOpArgs(&d, &a->link);
  return d.done();
}

bool DecodeReaddirArgs(std::string_view in, ReaddirArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->dir) && d.GetU64(&a->cookie) && d.GetFixed(kCookieVerfSize, &a->verf) &&
      d.GetU32(&a->count);
  return d.done();
}

bool DecodeReaddirplusArgs(std::string_view in, ReaddirArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->dir) && d.GetU64(&a->cookie) && d.GetFixed(kCookieVerfSize, &a->verf) &&
      d.GetU32(&a->count) && d.GetU32(&a->maxcount);
  return d.done();
}

bool DecodeCommitArgs(std::string_view in, CommitArgs* a) {
  XdrDecoder d(in);
  DecodeHandle(&d, &a->file) && d.GetU64(&a->offset) && d.GetU32(&a->count);
  return d.done();
}

bool DecodeMountPath(std::string_view in, std::string_view* path) {
  XdrDecoder d(in);
  d.GetOpaque(kMountPathLen, path);
  return d.done();
}

bool DecodePortmapMapping(std::string_view in, PortmapMapping* m) {
  XdrDecoder d(in);
  d.GetU32(&m->prog) && d.GetU32(&m->vers) && d.GetU32(&m->prot) && d.GetU32(&m->port);
  return d.done();
}

}  // namespace zerofs::nfs
