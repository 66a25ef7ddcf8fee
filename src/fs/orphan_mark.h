// The value of an orphan mark ('O' BE64 ino, docs/format/fs_keys.md): the
// client sessions that had the inode open when it lost its last name (or
// opened it later), so that after a server restart the orphan is kept for
// them for a grace period instead of being freed at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zerofs::fs {

// Holder keys are this long (FileSystem::Open).
constexpr size_t kHolderKeySize = 16;
// At most this many holders are recorded (the rest are not kept across a
// restart).
constexpr size_t kMaxMarkHolders = 255;

// Version 2: u8 version, u8 count, count holder keys of kHolderKeySize.
std::string EncodeOrphanMark(const std::vector<std::string>& holders);
// Reads version 1 (a lone version byte: no holders) and version 2. False
// for anything else (an unknown version, a wrong length).
bool DecodeOrphanMark(std::string_view value, std::vector<std::string>* holders);

}  // namespace zerofs::fs
