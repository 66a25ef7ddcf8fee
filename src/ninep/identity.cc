#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

// Fills gid and groups from the passwd entry `pw`.
void AddGroups(const passwd& pw, fs::Cred* cred) {
  cred->gid = pw.pw_gid;
  int n = 64;
  std::vector<gid_t> groups(n);
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(n);
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) return;
  }
  for (int i = 0; i < n; i++) {
    if (groups[i] != pw.pw_gid) cred->groups.push_back(groups[i]);
  }
}

}  // namespace

Result<fs::Cred> AttachCred(std::string_view uname, uint32_t n_uname) {
  fs::Cred cred;
  cred.gid = kNobodyGroup;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (n_uname != kNoUname) {
    cred.uid = n_uname;
    getpwuid_r(n_uname, &pw, buf.data(), buf.size(), &found);
  } else {
    std::string name(uname);
    getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (found == nullptr) return Error::Posix(EPERM, "unknown user '" + name + "'");
    cred.uid = pw.pw_uid;
  }
  if (cred.uid == 0) {
    cred.gid = 0;
  }
  if (found != nullptr) AddGroups(pw, &cred);
  return cred;
}

fs::Cred WithGid(const fs::Cred& cred, uint32_t gid) {
  fs::Cred c = cred;
  c.gid = gid;
  return c;
}

}  // namespace zerofs::ninep
