// The protocol-neutral filesystem core: inodes, directories, hard links,
// symlinks, special files, permissions, timestamps and file data, on top of
// the storage engine (src/engine/engine.h). NFSv3, 9P2000.L and NBD servers
// call only this API and translate its errno results to their wire codes.
//
// Contract for every method:
//  - Thread-safe. Calls block the caller. Operations on one inode are
//    ordered by a per-inode lock (a striped table; multi-inode operations
//    lock in inode-number order), so there is no global lock on the data path.
//  - Inode based: the caller names objects by InodeId (root = kRootInode)
//    plus a single name component. Path resolution is the caller's job
//    (see ReadlinkForResolution and tests/conformance_fs/ for a resolver).
//  - Credentials are checked on every call with the POSIX rules (uid 0 is
//    root and bypasses read/write checks; execute needs some x bit).
//  - Errors are Error::Posix(errno); engine failures pass through unchanged
//    (their sys_errno() is EIO or EROFS). An inode that no longer exists
//    answers ESTALE; a missing *name* answers ENOENT.
//  - Every mutation is atomic (one engine Transaction) and visible to every
//    later call at once; it is durable after Fsync() (engine Flush).
//  - Names: 1..name_max bytes, no '/' and no NUL (EINVAL), longer names
//    ENAMETOOLONG. "." and ".." are never stored; see each method for them.
//  - Timestamps are CLOCK_REALTIME with nanoseconds. Reads update atime
//    relatime-style: only when atime <= mtime, atime <= ctime, or atime is
//    more than 24 h old (FsOptions::noatime turns atime updates off).
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"

namespace zerofs::fs {

using InodeId = uint64_t;
constexpr InodeId kRootInode = 1;

// Largest file size: 2^63-1 rounded down to whole extents. Writes or
// truncates past it fail with EFBIG.
constexpr uint64_t kMaxFileSize =
    (static_cast<uint64_t>(INT64_MAX) / engine::kExtentSize) * engine::kExtentSize;
// Longest symlink target (PATH_MAX - 1); longer targets are ENAMETOOLONG.
constexpr size_t kMaxSymlinkTarget = 4095;
// Extended attributes: name (with namespace prefix) and value limits of Linux.
constexpr size_t kMaxXattrName = 255;
constexpr size_t kMaxXattrValue = 65536;
// Symlinks followed by a path resolver before ELOOP (path_resolution(7)).
constexpr int kMaxSymlinkFollows = 40;

// Caller identity (AUTH_SYS for NFS, attach uid for 9P, root for NBD).
struct Cred {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;  // supplementary groups

  static Cred Root() { return Cred{}; }
  bool is_root() const { return uid == 0; }
  bool InGroup(uint32_t g) const;
};

// File types; values are frozen (they are stored in inode and entry records).
enum class FileType : uint8_t {
  kRegular = 1,
  kDirectory = 2,
  kSymlink = 3,
  kCharDevice = 4,
  kBlockDevice = 5,
  kFifo = 6,
  kSocket = 7,
};
// S_IFREG etc. for `type`, and the reverse (nullopt for unknown bits).
uint32_t FileTypeToMode(FileType type);
std::optional<FileType> FileTypeFromMode(uint32_t mode);
// DT_REG etc., for readdir replies.
uint8_t FileTypeToDirentType(FileType type);

struct Timespec {
  int64_t sec = 0;
  uint32_t nsec = 0;  // 0..999'999'999
  static Timespec Now();
  friend bool operator==(const Timespec&, const Timespec&) = default;
  friend auto operator<=>(const Timespec&, const Timespec&) = default;
};

// A snapshot of an inode's attributes.
struct Attr {
  InodeId ino = 0;
  FileType type = FileType::kRegular;
  uint32_t mode = 0;  // permission bits incl. S_ISUID/S_ISGID/S_ISVTX (07777)
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;  // bytes; symlinks: target length; directories: 4096
  uint64_t used = 0;  // bytes of storage charged to the file (see StatFs)
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  Timespec atime, mtime, ctime;
  Timespec btime;           // creation ("birth") time, for 9P getattr
  uint64_t generation = 0;  // for NFS handles; never changes for an inode

  // st_mode: type bits | mode.
  uint32_t full_mode() const { return FileTypeToMode(type) | mode; }
  dev_t rdev() const;
};

// What SetAttr changes. Unset optionals are left alone.
struct SetAttrRequest {
  enum class TimeSet : uint8_t { kUnchanged, kNow, kValue };

  std::optional<uint32_t> mode;  // only the 07777 bits are used
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::optional<uint64_t> size;
  TimeSet atime_set = TimeSet::kUnchanged;
  Timespec atime;  // for kValue
  TimeSet mtime_set = TimeSet::kUnchanged;
  Timespec mtime;  // for kValue
  // The caller truncates through a handle it opened for writing (ftruncate,
  // 9P setattr on an open fid): skip the write-permission check for size.
  bool size_via_open_handle = false;
};

struct FsOptions {
  // Every mutation answers EROFS; atime is never updated.
  bool read_only = false;
  // Upper bound on the bytes of file data (sum of file sizes); 0 = none.
  // Growing past it answers ENOSPC.
  uint64_t max_bytes = 0;
  // Upper bound on the number of inodes; 0 = none. Creating past it: ENOSPC.
  uint64_t max_inodes = 0;
  uint32_t link_max = 65535;
  uint32_t name_max = 255;
  // Never update atime on reads.
  bool noatime = false;
  // Owner and mode of the root directory when the filesystem is created.
  uint32_t root_uid = 0;
  uint32_t root_gid = 0;
  uint32_t root_mode = 0755;
  // Extents changed by writes smaller than an extent are kept in memory up
  // to this many bytes and written back to the engine later (fs/write_buffer.h),
  // at the latest by Fsync/Flush or once `write_buffer_age` old. 0 = off.
  // Smaller than the set of extents a workload rewrites, the buffer thrashes
  // (it writes back extents that are rewritten right after): 20,000 random
  // 4 KiB writes over a 64 MiB file ran 4x slower with 64 MiB than with 128
  // or 256 MiB (bench_fs_small_writes).
  uint64_t write_buffer_bytes = 256ull << 20;
  std::chrono::milliseconds write_buffer_age{1000};
  // How long an unlinked file stays for a client session that had it open
  // when its connection broke or the server restarted (see Open). 0 = not
  // at all: such files are freed at once, as files nobody holds.
  std::chrono::seconds reconnect_grace{90};
};

struct CreateResult {
  Attr attr;
  bool created = false;  // false: an existing file was returned (non-exclusive)
};

struct DirEntry {
  std::string name;
  InodeId ino = 0;
  FileType type = FileType::kRegular;
  // Pass to ReadDir to continue after this entry. Stable: cookies never
  // change or get reused while the directory exists.
  uint64_t cookie = 0;
  std::optional<Attr> attr;  // with ReadDirOptions::with_attrs, if still alive
};

struct ReadDirOptions {
  size_t max_entries = 1024;  // at least 1
  bool with_attrs = false;    // READDIRPLUS / 9P readdir with getattr
};

struct ReadDirResult {
  std::vector<DirEntry> entries;
  bool eof = false;  // no entries after the last one returned
};

struct ReadResult {
  std::string data;
  bool eof = false;  // the read reached the end of the file
};

// A read's bytes as views into shared, immutable buffers (the memory
// cache's extents), so a server can send them without copying them.
struct SharedReadResult {
  struct Piece {
    std::shared_ptr<const std::string> owner;  // null: `bytes` are static zeros
    std::string_view bytes;                    // into *owner
  };
  std::vector<Piece> pieces;  // in file order
  uint64_t size = 0;          // sum of the pieces' sizes
  bool eof = false;
};

struct StatFsResult {
  uint64_t block_size = 4096;
  uint64_t total_bytes = 0;  // max_bytes, or a large nominal size if unlimited
  uint64_t used_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t total_inodes = 0;
  uint64_t used_inodes = 0;
  uint64_t free_inodes = 0;
  uint32_t name_max = 255;
};

// Rename flags (values of Linux renameat2).
constexpr uint32_t kRenameNoReplace = 1;  // RENAME_NOREPLACE
constexpr uint32_t kRenameExchange = 2;   // RENAME_EXCHANGE

// Xattr set flags (values of Linux setxattr).
constexpr uint32_t kXattrCreate = 1;   // XATTR_CREATE
constexpr uint32_t kXattrReplace = 2;  // XATTR_REPLACE

// Fallocate modes (values of Linux fallocate).
constexpr uint32_t kFallocKeepSize = 0x01;   // FALLOC_FL_KEEP_SIZE
constexpr uint32_t kFallocPunchHole = 0x02;  // FALLOC_FL_PUNCH_HOLE
constexpr uint32_t kFallocZeroRange = 0x10;  // FALLOC_FL_ZERO_RANGE

// Access masks (values of R_OK/W_OK/X_OK).
constexpr uint32_t kAccessRead = 4;
constexpr uint32_t kAccessWrite = 2;
constexpr uint32_t kAccessExec = 1;

// Whether Read/Write check the caller's permission on the file. Protocols
// with open files (9P lopen, the FUSE client) check once at Open and pass
// kOpened, so that a file opened for writing stays writable after a chmod;
// stateless ones (NFS) and NBD pass kCheck.
enum class IoCheck : uint8_t { kCheck, kOpened };

class LockTable;
class StatsCounters;

class FileSystem {
 public:
  // Opens the filesystem stored in `engine`, creating the root directory if
  // the store is empty, and (unless read_only) frees orphans left by a crash:
  // inodes unlinked while open whose last close never happened.
  // REQUIRES: `engine` outlives the FileSystem.
  static Result<std::unique_ptr<FileSystem>> Open(engine::Engine* engine, FsOptions options);

  ~FileSystem();
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;

  const FsOptions& options() const { return options_; }

  // ---- Names -------------------------------------------------------------

  // Finds `name` in directory `dir`. "." is `dir`, ".." its parent (the root
  // is its own parent). ENOTDIR if `dir` is not a directory, EACCES without
  // search (x) permission on `dir`, ENOENT if absent, ENAMETOOLONG, EINVAL.
  Result<Attr> Lookup(const Cred& cred, InodeId dir, std::string_view name);

  // ---- Attributes --------------------------------------------------------

  // No permission needed. ESTALE if the inode does not exist.
  Result<Attr> GetAttr(InodeId ino);

  // Changes what `req` asks for, in one transaction, and returns the new
  // attributes. Rules (Linux notify_change):
  //  - mode: owner or root, else EPERM. A non-root caller not in the file's
  //    group loses S_ISGID silently (non-directories).
  //  - uid/gid: root may set anything. The owner may set uid to itself and
  //    gid to one of its groups; anything else EPERM. On a non-directory a
  //    chown clears S_ISUID, and S_ISGID when group-exec is set.
  //  - size: regular files only (EISDIR for directories, EINVAL otherwise);
  //    needs write permission (EACCES, unless size_via_open_handle); beyond kMaxFileSize EFBIG;
  //    growing past max_bytes ENOSPC. Clears S_ISUID/S_ISGID for non-root callers. Updates mtime
  //    and ctime when it is set (even if unchanged, as ftruncate does).
  //  - times: kNow needs owner, root, or write permission (EACCES); kValue
  //    needs owner or root (EPERM).
  //  - ctime is set to now whenever anything changes.
  // EROFS in read-only mode.
  Result<Attr> SetAttr(const Cred& cred, InodeId ino, const SetAttrRequest& req);

  // Returns the subset of `mask` (kAccessRead|kAccessWrite|kAccessExec) that
  // the caller is granted; kAccessWrite is never granted when read-only.
  // For NFS ACCESS and access(2). ESTALE for a missing inode.
  Result<uint32_t> Access(const Cred& cred, InodeId ino, uint32_t mask);

  // ---- Creating ----------------------------------------------------------
  // Common rules for Create/Mkdir/Mknod/Symlink/Link:
  //  ENOTDIR (parent not a directory), EACCES (no write+search on parent),
  //  EEXIST (name exists, or is "." / ".."), ENAMETOOLONG, EINVAL (bad name),
  //  ESTALE (parent gone), ENOSPC (max_inodes), EROFS.
  //  The new inode's uid is cred.uid; its gid is the parent's if the parent
  //  has S_ISGID (directories also inherit S_ISGID), else cred.gid. A non-root
  //  caller not in the resulting group loses S_ISGID on a new file.
  //  `mode` is the permission bits after the caller applied its umask.
  //  Parent mtime and ctime are set to the new inode's times.

  // Creates a regular file. With exclusive, an existing name is EEXIST;
  // without, an existing regular file is returned (created = false, after
  // checking nothing else: the caller opens it with its own rules), and an
  // existing non-regular file is EEXIST (directories EISDIR).
  Result<CreateResult> Create(const Cred& cred, InodeId dir, std::string_view name, uint32_t mode,
                              bool exclusive);

  // Creates a directory (nlink 2; the parent gains a link). EMLINK if the
  // parent has link_max links. S_ISUID/S_ISGID in `mode` are ignored.
  Result<Attr> Mkdir(const Cred& cred, InodeId dir, std::string_view name, uint32_t mode);

  // Creates a FIFO, socket, or character/block device (rdev used only for
  // devices). EPERM for kDirectory, EINVAL for other types. Devices need
  // root (EPERM), as Linux without CAP_MKNOD.
  Result<Attr> Mknod(const Cred& cred, InodeId dir, std::string_view name, FileType type,
                     uint32_t mode, uint32_t rdev_major, uint32_t rdev_minor);

  // Creates a symlink (mode 0777) to `target`. ENOENT for an empty target,
  // ENAMETOOLONG over kMaxSymlinkTarget.
  Result<Attr> Symlink(const Cred& cred, InodeId dir, std::string_view name,
                       std::string_view target);

  // Returns a symlink's target. EINVAL if `ino` is not a symlink. May update
  // atime (relatime, see the top of this file).
  Result<std::string> Readlink(InodeId ino);

  // Adds name `name` in `dir` for existing inode `ino`. EPERM for a
  // directory; EMLINK at link_max. ctime of `ino` is set to now.
  Result<Attr> Link(const Cred& cred, InodeId ino, InodeId dir, std::string_view name);

  // ---- Removing ----------------------------------------------------------

  // Removes a non-directory's name. EISDIR for a directory and for "." or
  // ".."; EACCES (write+search on dir); EPERM for the sticky rule (dir has
  // S_ISVTX and the caller owns neither the file nor dir and is not root).
  // The inode loses a link (its ctime changes); at zero links its data is
  // freed, or at the last Release if it is open (an orphan). Files larger
  // than 8 MiB are freed by a background thread in bounded chunks, so the
  // call returns at once whatever the size; the orphan mark makes a crash
  // or shutdown resume the freeing at the next Open.
  Status Unlink(const Cred& cred, InodeId dir, std::string_view name);

  // Removes an empty directory. ENOTDIR if not a directory, ENOTEMPTY if it
  // has entries, EINVAL for ".", ENOTEMPTY for "..", EBUSY for the root,
  // EACCES / EPERM as Unlink. The parent loses a link.
  Status Rmdir(const Cred& cred, InodeId dir, std::string_view name);

  // Renames atomically, replacing an existing target (renameat2 semantics):
  //  - ENOENT: no source. EBUSY: either name is "." or "..".
  //  - Source and target the same inode: nothing happens, success.
  //  - Directory over non-directory ENOTDIR; non-directory over directory
  //    EISDIR; directory over a non-empty directory ENOTEMPTY.
  //  - EINVAL: moving a directory into its own subtree (or onto itself).
  //  - EACCES: no write+search on either parent, or (moving a directory to a
  //    new parent) no write permission on the directory itself, which
  //    changes its "..". EPERM: sticky rule on source or on replaced target.
  //  - EMLINK: a directory moves into a parent with link_max links.
  //  - flags: kRenameNoReplace (EEXIST if the target exists),
  //    kRenameExchange (swap two existing names; ENOENT if the target is
  //    missing). Both together EINVAL.
  // Both parents get mtime+ctime; the moved inode and a replaced target
  // get ctime. A replaced target is unlinked as by Unlink/Rmdir.
  Status Rename(const Cred& cred, InodeId src_dir, std::string_view src_name, InodeId dst_dir,
                std::string_view dst_name, uint32_t flags = 0);

  // ---- File data ---------------------------------------------------------

  // Reads up to `count` bytes at `offset`. Holes read as zeros. EISDIR for a
  // directory, EINVAL for other non-regular files, EACCES without read
  // permission (IoCheck::kCheck). May update atime (see top of file).
  Result<ReadResult> Read(const Cred& cred, InodeId ino, uint64_t offset, uint64_t count,
                          IoCheck check = IoCheck::kCheck);

  // Read if it can be answered at once from memory, else nullopt: when a
  // writer holds the inode, a frame is not in the memory cache, or atime is
  // due (which commits). Never waits, so a protocol's I/O thread may call it
  // and hand the request to a worker (Read) only on nullopt.
  Result<std::optional<ReadResult>> TryReadCached(const Cred& cred, InodeId ino, uint64_t offset,
                                                  uint64_t count, IoCheck check = IoCheck::kCheck);
  // TryReadCached without copying: the result refers to the cached extents.
  Result<std::optional<SharedReadResult>> TryReadCachedShared(const Cred& cred, InodeId ino,
                                                              uint64_t offset, uint64_t count,
                                                              IoCheck check = IoCheck::kCheck);

  // Writes `data` at `offset`, extending the file (the gap is a hole).
  // EFBIG past kMaxFileSize, ENOSPC past max_bytes, EACCES without write
  // permission (kCheck), EISDIR/EINVAL as Read. Sets mtime+ctime, clears
  // S_ISUID (and S_ISGID if group-exec) for non-root writers. Returns the
  // attributes after the write. Extents and size change in one transaction.
  Result<Attr> Write(const Cred& cred, InodeId ino, uint64_t offset, std::string_view data,
                     IoCheck check = IoCheck::kCheck);

  // Linux fallocate(2) on a regular file, modes 0, kFallocKeepSize,
  // kFallocPunchHole|kFallocKeepSize and kFallocZeroRange[|kFallocKeepSize]
  // (others EOPNOTSUPP, punch without keep-size too; punch+zero EINVAL). Mode 0 only extends
  // the size (storage is not reserved). Punched/zeroed ranges read as zeros
  // and whole extents become holes. EINVAL for length 0; ENODEV for a
  // non-regular file (EISDIR for a directory); EFBIG/ENOSPC as
  // Write; permission as Write. mtime+ctime change unless nothing was done.
  Result<Attr> Fallocate(const Cred& cred, InodeId ino, uint32_t mode, uint64_t offset,
                         uint64_t length, IoCheck check = IoCheck::kCheck);

  // Fallocate(kFallocPunchHole | kFallocKeepSize): NBD TRIM.
  Result<Attr> PunchHole(const Cred& cred, InodeId ino, uint64_t offset, uint64_t length,
                         IoCheck check = IoCheck::kCheck);

  // Makes every change made so far durable, whatever file it was made to
  // (as before the write buffer existed: callers use the fsync of one file
  // as a barrier for all): writes the write buffer back, then flushes the
  // engine. Fsync only adds the check that `ino` exists (ESTALE).
  Status Fsync(InodeId ino);
  Status Flush();

  // ---- Open files --------------------------------------------------------

  // Checks permission for `access` (kAccessRead/kAccessWrite bits; EACCES,
  // EISDIR when writing a directory, EROFS when writing read-only) and adds
  // an open reference: while the inode has open references its data
  // survives the last unlink. Every successful Open needs one Release.
  // `holder` names the client session that opens (16 bytes, e.g. a 9P
  // Tsession key; empty for none): an unlinked file it has open is recorded
  // with its holders, and kept for them across a lost connection or a
  // restart (Release with keep_for_holder, Reclaim). EINVAL for another
  // length.
  Status Open(const Cred& cred, InodeId ino, uint32_t access, std::string_view holder = {});
  // Drops an open reference; the last one of an unlinked inode frees it.
  // With `keep_for_holder` (the holder's connection broke, it did not
  // close the file), an unlinked inode is first kept for `holder` for
  // FsOptions::reconnect_grace, then freed unless it was opened again.
  // REQUIRES: a matching successful Open (with the same holder).
  Status Release(InodeId ino, std::string_view holder = {}, bool keep_for_holder = false);
  // The attributes of unlinked inode `ino` if `holder` has it open or kept
  // (after a reconnect the client claims the files it had open with this,
  // then opens them again with Open); ESTALE otherwise, and for an inode
  // that still has a name (the client finds that one by its path).
  Result<Attr> Reclaim(InodeId ino, std::string_view holder);
  // Waits until the background freeing of removed large files is done (or
  // stopped). For tests and tools; servers never need to wait.
  void WaitForBackgroundFrees();

  // ---- Directories -------------------------------------------------------

  // Lists `dir` after `cookie` (0 = from the start). "." (cookie 1) and ".."
  // (cookie 2) come first; the other entries follow in insertion order.
  // Entries that exist for the whole listing are returned exactly once
  // however the directory changes between pages; entries added meanwhile
  // may or may not appear. ENOTDIR, EACCES (no read permission).
  // Reads at most max_entries entries from the engine. May update the
  // directory's atime (relatime).
  Result<ReadDirResult> ReadDir(const Cred& cred, InodeId dir, uint64_t cookie,
                                const ReadDirOptions& options = {});

  // ---- Filesystem --------------------------------------------------------

  Result<StatFsResult> StatFs();

  // ---- Extended attributes -----------------------------------------------
  // Namespaces and rules (Linux xattr_permission + commoncap, no LSM):
  //  - "user.": regular files and directories only (others: get ENODATA,
  //    set/remove EPERM); get needs read, set/remove write permission
  //    (EACCES); in a sticky directory only its owner or root may set.
  //  - "trusted.": root only (get ENODATA, set/remove EPERM for others;
  //    hidden from others' lists).
  //  - "security.": anyone may get; set/remove need root (EPERM).
  //  - anything else, incl. "system." (POSIX ACLs): EOPNOTSUPP.
  // Name 1..255 bytes (ERANGE),
  // value up to 64 KiB (E2BIG). Set/remove set ctime. EROFS when read-only.

  // ENODATA if absent.
  Result<std::string> GetXattr(const Cred& cred, InodeId ino, std::string_view name);
  // kXattrCreate: EEXIST if present; kXattrReplace: ENODATA if absent.
  Status SetXattr(const Cred& cred, InodeId ino, std::string_view name, std::string_view value,
                  uint32_t flags);
  // Names visible to the caller (trusted.* only for root), in key order.
  Result<std::vector<std::string>> ListXattr(const Cred& cred, InodeId ino);
  // ENODATA if absent.
  Status RemoveXattr(const Cred& cred, InodeId ino, std::string_view name);

  // Number of inodes currently open (for tests and metrics).
  size_t OpenInodeCount() const;
  // Bytes of file data waiting in the write buffer (FsOptions::write_buffer_bytes).
  uint64_t BufferedWriteBytes() const;

  // Private state, defined in fs/internal.h (public only so that the files
  // implementing the operations can name it).
  struct Impl;

 private:
  FileSystem(engine::Engine* engine, FsOptions options);

  engine::Engine* const engine_;
  const FsOptions options_;
  std::unique_ptr<Impl> impl_;
};

// For path resolvers: Readlink that answers ELOOP when `follows` reached
// kMaxSymlinkFollows, so the caller can count symlink hops.
Result<std::string> ReadlinkForResolution(FileSystem* fs, InodeId ino, int follows);

}  // namespace zerofs::fs
