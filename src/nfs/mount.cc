// MOUNT v3 (RFC 1813 section 5): one export, "/". MNT also accepts a path
// below it ("/a/b"), resolved with the caller's credentials without
// following symlinks, and answers its handle and [AUTH_SYS].
#include <algorithm>

#include "nfs/errors.h"
#include "nfs/file_handle.h"
#include "nfs/programs.h"

namespace zerofs::nfs {

void MountTable::Add(const std::string& host, std::string_view path) {
  std::lock_guard lock(mu_);
  std::pair<std::string, std::string> entry(host, std::string(path));
  if (std::find(mounts_.begin(), mounts_.end(), entry) == mounts_.end()) {
    mounts_.push_back(std::move(entry));
  }
}

void MountTable::Remove(const std::string& host, std::string_view path) {
  std::lock_guard lock(mu_);
  std::erase_if(mounts_, [&](const auto& m) { return m.first == host && m.second == path; });
}

void MountTable::RemoveHost(const std::string& host) {
  std::lock_guard lock(mu_);
  std::erase_if(mounts_, [&](const auto& m) { return m.first == host; });
}

std::vector<std::pair<std::string, std::string>> MountTable::List() const {
  std::lock_guard lock(mu_);
  return mounts_;
}

namespace {

// Resolves an export path to its directory's attributes.
Result<fs::Attr> ResolveExportPath(const ServerState& server, const fs::Cred& cred,
                                   std::string_view path) {
  if (path.empty() || path[0] != '/') return Error::Posix(ENOENT);
  ZFS_ASSIGN_OR_RETURN(fs::Attr attr, server.fs->GetAttr(fs::kRootInode));
  while (!path.empty()) {
    size_t start = path.find_first_not_of('/');
    if (start == std::string_view::npos) break;
    path.remove_prefix(start);
    size_t end = path.find('/');
    std::string_view name = path.substr(0, end);
    path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    ZFS_ASSIGN_OR_RETURN(attr, server.fs->Lookup(cred, attr.ino, name));
  }
  if (attr.type != fs::FileType::kDirectory) return Error::Posix(ENOTDIR);
  return attr;
}

}  // namespace

AcceptStat HandleMount(const CallHeader& call, std::string_view args, const ConnectionInfo& conn,
                       const ServerState& server, MountTable* mounts, XdrEncoder* res) {
  std::string_view path;
  switch (static_cast<MountProc>(call.proc)) {
    case MountProc::kNull:
      return DecodeNullArgs(args) ? AcceptStat::kSuccess : AcceptStat::kGarbageArgs;
    case MountProc::kMnt: {
      if (!DecodeMountPath(args, &path)) return AcceptStat::kGarbageArgs;
      auto attr = ResolveExportPath(server, call.cred, path);
      if (!attr.ok()) {
        res->PutU32(static_cast<uint32_t>(ToMountstat3(attr.error())));
        return AcceptStat::kSuccess;
      }
      mounts->Add(conn.client_host, path);
      res->PutU32(static_cast<uint32_t>(Mountstat3::kOk));
      res->PutOpaque(FileHandle::From(*attr).Encode());
      res->PutU32(1);  // auth_flavors<>: AUTH_SYS
      res->PutU32(kAuthSys);
      return AcceptStat::kSuccess;
    }
    case MountProc::kDump:
      if (!DecodeNullArgs(args)) return AcceptStat::kGarbageArgs;
      for (const auto& [host, dir] : mounts->List()) {
        res->PutBool(true);
        res->PutOpaque(std::string_view(host).substr(0, kMountNameLen));
        res->PutOpaque(dir);
      }
      res->PutBool(false);
      return AcceptStat::kSuccess;
    case MountProc::kUmnt:
      if (!DecodeMountPath(args, &path)) return AcceptStat::kGarbageArgs;
      mounts->Remove(conn.client_host, path);
      return AcceptStat::kSuccess;
    case MountProc::kUmntall:
      if (!DecodeNullArgs(args)) return AcceptStat::kGarbageArgs;
      mounts->RemoveHost(conn.client_host);
      return AcceptStat::kSuccess;
    case MountProc::kExport:
      if (!DecodeNullArgs(args)) return AcceptStat::kGarbageArgs;
      res->PutBool(true);
      res->PutOpaque("/");
      res->PutBool(false);  // ex_groups: empty, everyone
      res->PutBool(false);  // end of list
      return AcceptStat::kSuccess;
  }
  return AcceptStat::kProcUnavail;
}

}  // namespace zerofs::nfs
