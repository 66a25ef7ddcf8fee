// Directory entries. Each entry is stored twice, in one transaction:
//   "D" BE64 dir name          -> EntryValue (find by name)
//   "C" BE64 dir BE64 cookie   -> CookieValue (list in insertion order)
// The cookie comes from the directory record's next_cookie, which only grows,
// so a listing that resumes "after cookie c" never repeats or skips an entry
// that stayed in the directory (layouts: docs/format/fs_keys.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"
#include "fs/filesystem.h"
#include "fs/inode.h"

namespace zerofs::fs {

constexpr uint8_t kEntryRecordVersion = 1;

struct EntryValue {
  InodeId ino = 0;
  FileType type = FileType::kRegular;
  uint64_t cookie = 0;
};

// EINVAL for an empty name or one with '/' or NUL; ENAMETOOLONG over
// name_max. "." and ".." pass (callers give them their own meaning).
Status ValidateName(std::string_view name, uint32_t name_max);
inline bool IsDotOrDotDot(std::string_view name) { return name == "." || name == ".."; }

std::string EncodeEntry(const EntryValue& e);
bool DecodeEntry(std::string_view src, EntryValue* e);
std::string EncodeCookieValue(InodeId ino, FileType type, std::string_view name);
bool DecodeCookieValue(std::string_view src, InodeId* ino, FileType* type, std::string* name);

// The entry `name` of `dir`, or nullopt. kCorruption for damaged bytes.
Result<std::optional<EntryValue>> FindEntry(engine::Engine* engine, InodeId dir,
                                            std::string_view name);

// Adds entry `name` -> (ino, type) to `txn`, taking the next cookie from
// `dir_rec` (the caller stores dir_rec in the same transaction).
void AddEntry(engine::Transaction* txn, InodeId dir, InodeRecord* dir_rec, std::string_view name,
              InodeId ino, FileType type);

// Removes entry `name` (whose current value is `e`) in `txn`.
void RemoveEntry(engine::Transaction* txn, InodeId dir, std::string_view name, const EntryValue& e);

// Points existing entry `name` (cookie kept) at (ino, type).
void RepointEntry(engine::Transaction* txn, InodeId dir, std::string_view name,
                  const EntryValue& old, InodeId ino, FileType type);

Result<bool> DirIsEmpty(engine::Engine* engine, InodeId dir);

// Up to `limit` entries of `dir` with cookie > after_cookie, in cookie order;
// *more is set when entries may follow.
Result<std::vector<DirEntry>> ScanEntries(engine::Engine* engine, InodeId dir,
                                          uint64_t after_cookie, size_t limit, bool* more);

}  // namespace zerofs::fs
