// Feature names a case may require (CASE(..., kFeatRoot, ...)). A backend
// lists the ones it supports in Features::names; cases needing any other are
// reported as skipped, never silently passed.
#pragma once

namespace zerofs::conformance {

// Calls really run with the given credentials, and uid 0 is privileged
// (DAC override, chown, fowner). Without it only owner-agnostic cases run.
inline constexpr char kFeatRoot[] = "root";
// user.* extended attributes on regular files and directories.
inline constexpr char kFeatXattr[] = "xattr";
// mknod of character and block devices (needs CAP_MKNOD and a non-nodev fs).
inline constexpr char kFeatMknodDev[] = "mknod_dev";
// mknod of FIFOs and sockets.
inline constexpr char kFeatSpecial[] = "special";
// Reads update atime (at least under relatime rules: when atime <= mtime).
inline constexpr char kFeatAtime[] = "atime";
// Timestamps keep nanoseconds through utimens() and stat().
inline constexpr char kFeatNsecTimes[] = "nsec_times";
// Holes are not allocated: st_blocks stays small for a sparse file.
inline constexpr char kFeatSparseBlocks[] = "sparse_blocks";
// fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE).
inline constexpr char kFeatPunchHole[] = "punch_hole";
// A directory's st_nlink is 2 + number of subdirectories.
inline constexpr char kFeatDirNlink[] = "dir_nlink";
// Creating Features::link_max hard links is feasible (needs --slow too).
inline constexpr char kFeatLinkMax[] = "link_max";
// renameat2() with RENAME_NOREPLACE and RENAME_EXCHANGE.
inline constexpr char kFeatRenameFlags[] = "rename_flags";

// Every name above, for --list and for printing which features are off.
inline constexpr const char* kAllFeatures[] = {
    kFeatRoot,     kFeatXattr,     kFeatMknodDev,     kFeatSpecial,
    kFeatAtime,    kFeatNsecTimes, kFeatSparseBlocks, kFeatPunchHole,
    kFeatDirNlink, kFeatLinkMax,   kFeatRenameFlags,
};

}  // namespace zerofs::conformance
