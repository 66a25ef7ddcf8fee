// How a LocalStore lays objects out in its root directory.
//
// An object with key "a/b/c" is the regular file <root>/a/b/c; directories are
// created on demand and may be left empty after deletes. Names starting with
// kReservedPrefix belong to the store itself (in-flight temporary files, the
// lock file) and are never keys: ValidateKey rejects them and List skips them.
// A key cannot be both an object and the parent of another key ("a" and
// "a/b"), unlike in a cloud bucket; ZeroFS's key schema never needs that.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace zerofs::objstore {

inline constexpr std::string_view kReservedPrefix = ".zerofs-";
// Temporary file a Put writes before renaming it into place:
// kTempPrefix + 16 random hex digits, in the destination directory.
inline constexpr std::string_view kTempPrefix = ".zerofs-tmp.";
// Store-wide lock file in the root (flock: shared for replacing puts and
// deletes, exclusive for compare-and-swap). Holds the last CAS timestamp.
inline constexpr std::string_view kLockFileName = ".zerofs-lock";

// Returns nullptr if `key` is a valid key, else why not ("empty component"...).
const char* InvalidKeyReason(std::string_view key);

// A stat timestamp in nanoseconds since the epoch.
inline uint64_t StatNanos(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

inline bool IsReservedName(std::string_view name) { return name.starts_with(kReservedPrefix); }
inline bool IsTempName(std::string_view name) { return name.starts_with(kTempPrefix); }

// A fresh temporary file name (kTempPrefix + random hex).
std::string NewTempName();

// The ETag of the file described by `st`: a hash of inode, size, mtime and
// ctime (nanoseconds), as 32 hex digits. Any replacement of the file (new
// inode) or change to it (ctime) gives a new value.
std::string EtagOfStat(const struct stat& st);

}  // namespace zerofs::objstore
