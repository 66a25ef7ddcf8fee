#include "fs/keys.h"

#include "base/coding.h"

namespace zerofs::fs::keys {

namespace {

std::string WithId(char prefix, uint64_t id) {
  std::string k(1, prefix);
  PutBE64(&k, id);
  return k;
}

bool ParseId(std::string_view key, char prefix, uint64_t* id, std::string_view* rest) {
  if (key.size() < 9 || key[0] != prefix) return false;
  *id = LoadBE64(key.data() + 1);
  *rest = key.substr(9);
  return true;
}

}  // namespace

std::string Format() { return std::string(1, kFormat); }
std::string NextInode() { return std::string(1, kNextInode); }
std::string Stats(uint32_t shard) {
  std::string k(1, kStats);
  PutBE32(&k, shard);
  return k;
}
std::string StatsPrefix() { return std::string(1, kStats); }

std::string Inode(InodeId ino) { return WithId(kInode, ino); }
std::string InodePrefix() { return std::string(1, kInode); }

std::string Entry(InodeId dir, std::string_view name) {
  std::string k = WithId(kEntry, dir);
  k.append(name);
  return k;
}
std::string EntryPrefix(InodeId dir) { return WithId(kEntry, dir); }

std::string Cookie(InodeId dir, uint64_t cookie) {
  std::string k = WithId(kCookie, dir);
  PutBE64(&k, cookie);
  return k;
}
std::string CookiePrefix(InodeId dir) { return WithId(kCookie, dir); }

std::string Xattr(InodeId ino, std::string_view name) {
  std::string k = WithId(kXattr, ino);
  k.append(name);
  return k;
}
std::string XattrPrefix(InodeId ino) { return WithId(kXattr, ino); }

std::string Orphan(InodeId ino) { return WithId(kOrphan, ino); }
std::string OrphanPrefix() { return std::string(1, kOrphan); }

bool ParseInode(std::string_view key, InodeId* ino) {
  std::string_view rest;
  return ParseId(key, kInode, ino, &rest) && rest.empty();
}

bool ParseEntry(std::string_view key, InodeId* dir, std::string_view* name) {
  return ParseId(key, kEntry, dir, name) && !name->empty();
}

bool ParseCookie(std::string_view key, InodeId* dir, uint64_t* cookie) {
  std::string_view rest;
  if (!ParseId(key, kCookie, dir, &rest) || rest.size() != 8) return false;
  *cookie = LoadBE64(rest.data());
  return true;
}

bool ParseXattr(std::string_view key, InodeId* ino, std::string_view* name) {
  return ParseId(key, kXattr, ino, name) && !name->empty();
}

bool ParseOrphan(std::string_view key, InodeId* ino) {
  std::string_view rest;
  return ParseId(key, kOrphan, ino, &rest) && rest.empty();
}

}  // namespace zerofs::fs::keys
