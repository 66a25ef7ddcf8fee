#include "fs/directory.h"

#include <cerrno>

#include "base/coding.h"
#include "fs/keys.h"

namespace zerofs::fs {

Status ValidateName(std::string_view name, uint32_t name_max) {
  if (name.empty() || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return Error::Posix(EINVAL, "invalid name");
  }
  if (name.size() > name_max) return Error::Posix(ENAMETOOLONG);
  return OkStatus();
}

std::string EncodeEntry(const EntryValue& e) {
  std::string v;
  PutU8(&v, kEntryRecordVersion);
  PutLE64(&v, e.ino);
  PutU8(&v, static_cast<uint8_t>(e.type));
  PutLE64(&v, e.cookie);
  return v;
}

bool DecodeEntry(std::string_view src, EntryValue* e) {
  Decoder d(src);
  uint8_t version, type;
  if (!d.GetU8(&version) || version != kEntryRecordVersion || !d.GetLE64(&e->ino) ||
      !d.GetU8(&type) || !d.GetLE64(&e->cookie) || !d.done()) {
    return false;
  }
  if (type < 1 || type > 7) return false;
  e->type = static_cast<FileType>(type);
  return true;
}

std::string EncodeCookieValue(InodeId ino, FileType type, std::string_view name) {
  std::string v;
  PutU8(&v, kEntryRecordVersion);
  PutLE64(&v, ino);
  PutU8(&v, static_cast<uint8_t>(type));
  v.append(name);
  return v;
}

bool DecodeCookieValue(std::string_view src, InodeId* ino, FileType* type, std::string* name) {
  Decoder d(src);
  uint8_t version, t;
  std::string_view rest;
  if (!d.GetU8(&version) || version != kEntryRecordVersion || !d.GetLE64(ino) || !d.GetU8(&t) ||
      !d.GetRaw(d.remaining(), &rest) || rest.empty() || t < 1 || t > 7) {
    return false;
  }
  *type = static_cast<FileType>(t);
  name->assign(rest);
  return true;
}

Result<std::optional<EntryValue>> FindEntry(engine::Engine* engine, InodeId dir,
                                            std::string_view name) {
  ZFS_ASSIGN_OR_RETURN(auto value, engine->Get(keys::Entry(dir, name)));
  if (!value) return std::optional<EntryValue>();
  EntryValue e;
  if (!DecodeEntry(*value, &e)) {
    return Error(Code::kCorruption, "directory entry of inode " + std::to_string(dir));
  }
  return std::optional<EntryValue>(e);
}

void AddEntry(engine::Transaction* txn, InodeId dir, InodeRecord* dir_rec, std::string_view name,
              InodeId ino, FileType type) {
  EntryValue e{ino, type, dir_rec->next_cookie++};
  txn->Put(keys::Entry(dir, name), EncodeEntry(e));
  txn->Put(keys::Cookie(dir, e.cookie), EncodeCookieValue(ino, type, name));
}

void RemoveEntry(engine::Transaction* txn, InodeId dir, std::string_view name,
                 const EntryValue& e) {
  txn->Delete(keys::Entry(dir, name));
  txn->Delete(keys::Cookie(dir, e.cookie));
}

void RepointEntry(engine::Transaction* txn, InodeId dir, std::string_view name,
                  const EntryValue& old, InodeId ino, FileType type) {
  EntryValue e{ino, type, old.cookie};
  txn->Put(keys::Entry(dir, name), EncodeEntry(e));
  txn->Put(keys::Cookie(dir, e.cookie), EncodeCookieValue(ino, type, name));
}

Result<bool> DirIsEmpty(engine::Engine* engine, InodeId dir) {
  ZFS_ASSIGN_OR_RETURN(auto rows, engine->Scan(keys::CookiePrefix(dir), "", 1));
  return rows.empty();
}

Result<std::vector<DirEntry>> ScanEntries(engine::Engine* engine, InodeId dir,
                                          uint64_t after_cookie, size_t limit, bool* more) {
  std::vector<DirEntry> out;
  ZFS_ASSIGN_OR_RETURN(
      auto rows, engine->Scan(keys::CookiePrefix(dir), keys::Cookie(dir, after_cookie), limit));
  *more = rows.size() == limit;
  out.reserve(rows.size());
  for (auto& [key, value] : rows) {
    DirEntry e;
    InodeId kdir;
    if (!keys::ParseCookie(key, &kdir, &e.cookie) || kdir != dir ||
        !DecodeCookieValue(value, &e.ino, &e.type, &e.name)) {
      return Error(Code::kCorruption, "directory cookie entry of inode " + std::to_string(dir));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace zerofs::fs
