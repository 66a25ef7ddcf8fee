// The metadata key schema of the filesystem core, byte by byte in
// docs/format/fs_keys.md. Integers in keys are big-endian so that the engine's
// bytewise order is numeric order (a directory's entries by cookie, inodes by
// number). The prefix bytes are frozen: a retired prefix is never reused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fs/filesystem.h"

namespace zerofs::fs::keys {

constexpr char kFormat = 'F';     // "F": filesystem format record
constexpr char kNextInode = 'N';  // "N": inode allocation high-water mark
constexpr char kStats = 'S';      // "S" BE32 shard: inode/byte counters
constexpr char kInode = 'I';      // "I" BE64 ino: inode record
constexpr char kEntry = 'D';      // "D" BE64 dir name: directory entry
constexpr char kCookie = 'C';     // "C" BE64 dir BE64 cookie: entry by cookie
constexpr char kXattr = 'X';      // "X" BE64 ino name: extended attribute
constexpr char kOrphan = 'O';     // "O" BE64 ino: unlinked inode kept alive

std::string Format();
std::string NextInode();
std::string Stats(uint32_t shard);
std::string StatsPrefix();

std::string Inode(InodeId ino);
std::string InodePrefix();

std::string Entry(InodeId dir, std::string_view name);
std::string EntryPrefix(InodeId dir);

std::string Cookie(InodeId dir, uint64_t cookie);
std::string CookiePrefix(InodeId dir);

std::string Xattr(InodeId ino, std::string_view name);
std::string XattrPrefix(InodeId ino);

std::string Orphan(InodeId ino);
std::string OrphanPrefix();

// Parsers for scanned keys; false if `key` is not of that kind.
bool ParseInode(std::string_view key, InodeId* ino);
bool ParseEntry(std::string_view key, InodeId* dir, std::string_view* name);
bool ParseCookie(std::string_view key, InodeId* dir, uint64_t* cookie);
bool ParseXattr(std::string_view key, InodeId* ino, std::string_view* name);
bool ParseOrphan(std::string_view key, InodeId* ino);

}  // namespace zerofs::fs::keys
