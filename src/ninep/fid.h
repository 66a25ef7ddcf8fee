// A fid: the client's handle on a file within one connection.
//
// Identity fields (ino, type, generation, cred) are fixed when the fid is
// created by Tattach/Twalk/Txattrwalk/Tlcreate; a message that changes what
// a fid names (Tlcreate, a Twalk with newfid == fid) installs a new Fid
// object under the same number. Where it was found (parent/name, changed by
// Trename) and the open state (Tlopen, Txattrcreate) change in place and are
// guarded by `mu`.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "fs/filesystem.h"
#include "ninep/messages.h"

namespace zerofs::ninep {

// One fs open reference (fs::FileSystem::Open), released when the last
// holder drops it: an unlinked file that a fid has open keeps its data until
// Tclunk. Release runs on whichever thread drops the last reference (it may
// commit); the session keeps that off the I/O thread except in requests it
// runs inline only when the connection is idle (placement.h).
//
// `session` is the client session's key (Tsession) or empty. When the
// connection breaks, the session marks its open files KeepForSession: an
// unlinked one is then kept for the session for a grace period instead of
// being freed, so the client can reclaim it after reconnecting.
class OpenRef {
 public:
  OpenRef(fs::FileSystem* fs, fs::InodeId ino, std::string session = {})
      : fs_(fs), ino_(ino), session_(std::move(session)) {}
  ~OpenRef() { fs_->Release(ino_, session_, keep_.load()).Ignore(); }
  OpenRef(const OpenRef&) = delete;
  OpenRef& operator=(const OpenRef&) = delete;

  const std::string& session() const { return session_; }
  void KeepForSession() { keep_.store(true); }

 private:
  fs::FileSystem* const fs_;
  const fs::InodeId ino_;
  const std::string session_;
  std::atomic<bool> keep_{false};
};

enum class FidState : uint8_t {
  kWalked,      // names a file; not open
  kOpened,      // Tlopen/Tlcreate: read/write/readdir allowed per open_flags
  kXattrRead,   // Txattrwalk result: Tread returns xattr_data
  kXattrWrite,  // Txattrcreate: Twrite fills xattr_data; Tclunk sets it
};

struct Fid {
  // ---- Fixed after construction.
  fs::InodeId ino = 0;
  fs::FileType type = fs::FileType::kRegular;
  uint64_t generation = 0;
  fs::Cred cred;  // the attach identity (access=user)

  // ---- Guarded by mu.
  std::mutex mu;
  // Where the last walk step found this file (for Tremove / Trename);
  // parent 0 means unknown (the root, or reached through "." / "..").
  fs::InodeId parent = 0;
  std::string name;
  FidState state = FidState::kWalked;
  uint32_t open_flags = 0;  // Tlopen flags
  std::shared_ptr<OpenRef> open;
  std::string xattr_name;
  uint64_t xattr_size = 0;
  uint32_t xattr_flags = 0;
  std::string xattr_data;
};

// qid.type from the file type, qid.version from the inode generation (which
// never changes, so clients do not mistake a modified file for a new one),
// qid.path from the inode number.
inline Qid MakeQid(fs::FileType type, uint64_t generation, fs::InodeId ino) {
  uint8_t t = kQidTypeFile;
  if (type == fs::FileType::kDirectory) t = kQidTypeDir;
  if (type == fs::FileType::kSymlink) t = kQidTypeSymlink;
  return Qid{t, static_cast<uint32_t>(generation), ino};
}
inline Qid MakeQid(const fs::Attr& a) { return MakeQid(a.type, a.generation, a.ino); }

// A fid for `attr`, reached as `name` in `parent` (0/"" if unknown).
inline std::shared_ptr<Fid> NewFid(const fs::Attr& attr, const fs::Cred& cred,
                                   fs::InodeId parent = 0, std::string name = {}) {
  auto f = std::make_shared<Fid>();
  f->ino = attr.ino;
  f->type = attr.type;
  f->generation = attr.generation;
  f->cred = cred;
  f->parent = parent;
  f->name = std::move(name);
  return f;
}

}  // namespace zerofs::ninep
