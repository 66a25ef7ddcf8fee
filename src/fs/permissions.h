// POSIX permission rules, as pure functions of a caller and inode records.
// Each returns OkStatus or Error::Posix(EACCES/EPERM); callers decide the
// order of checks (it matters for which errno a caller sees first).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "fs/filesystem.h"
#include "fs/inode.h"

namespace zerofs::fs {

// The rwx bits (kAccessRead/Write/Exec) granted to `cred` on `rec`: the
// owner class if cred.uid owns it, else the group class if the caller is in
// its group (primary or supplementary), else other. Root gets read and
// write always, and execute if the inode is a directory or has any x bit.
uint32_t GrantedAccess(const Cred& cred, const InodeRecord& rec);

// EACCES unless every bit of `mask` is granted.
Status CheckAccess(const Cred& cred, const InodeRecord& rec, uint32_t mask);

// Owner or root (chmod, explicit utimes, xattr security.*), else EPERM.
Status CheckOwner(const Cred& cred, const InodeRecord& rec);

// May `cred` remove or rename entry `child` from directory `dir`?
// Write+search on dir (EACCES), then the sticky rule (EPERM): if dir has
// S_ISVTX only root, the owner of dir, or the owner of child may.
Status CheckDelete(const Cred& cred, const InodeRecord& dir, const InodeRecord& child);

// chown rules: root anything; the owner may "change" uid to itself and gid
// to any group it is in. EPERM otherwise.
Status CheckChown(const Cred& cred, const InodeRecord& rec, uint32_t new_uid, uint32_t new_gid);

// Mode bits after a chmod by `cred`: a non-root caller not in the file's
// group cannot set S_ISGID on a non-directory (silently dropped).
uint32_t ChmodResult(const Cred& cred, const InodeRecord& rec, uint32_t mode);

// Mode bits after a write, truncate or chown: S_ISUID always, S_ISGID when
// group-exec is set (else it marks mandatory locking and stays).
uint32_t KillSuid(uint32_t mode);

// Owner, gid and mode of a new inode of `type` in directory `parent`:
// S_ISGID directories pass on their group (and S_ISGID to subdirectories);
// a non-root caller not in the resulting group loses S_ISGID on a file.
struct NewOwnership {
  uint32_t uid, gid, mode;
};
NewOwnership InheritOwnership(const Cred& cred, const InodeRecord& parent, FileType type,
                              uint32_t mode);

}  // namespace zerofs::fs
