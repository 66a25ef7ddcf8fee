// Decoded arguments of every NFSv3, MOUNT v3 and portmapper v2 procedure
// (RFC 1813, RFC 1833), and their decoders. This is the validation edge:
// a decoder fails (the caller answers GARBAGE_ARGS) on truncated input,
// trailing bytes, out-of-range enums and over-long strings. Handles are
// kept as raw bytes here; their format is checked by the procedure, which
// must answer NFS3ERR_BADHANDLE rather than GARBAGE_ARGS. Decoded
// string_views point into the record, which outlives the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "nfs/nfs3_types.h"
#include "nfs/xdr.h"

namespace zerofs::nfs {

struct NfsTime {
  uint32_t sec = 0;
  uint32_t nsec = 0;
};

struct Sattr3 {
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::optional<uint64_t> size;
  TimeHow atime_how = TimeHow::kDontChange;
  NfsTime atime;
  TimeHow mtime_how = TimeHow::kDontChange;
  NfsTime mtime;
};

struct DirOpArgs {
  std::string_view dir;  // handle bytes
  std::string_view name;
};

struct FhArgs {  // GETATTR, READLINK, FSSTAT, FSINFO, PATHCONF
  std::string_view object;
};
struct SetattrArgs {
  std::string_view object;
  Sattr3 attrs;
  std::optional<NfsTime> guard_ctime;
};
struct LookupArgs {  // also REMOVE, RMDIR
  DirOpArgs what;
};
struct AccessArgs {
  std::string_view object;
  uint32_t access = 0;
};
struct ReadArgs {
  std::string_view file;
  uint64_t offset = 0;
  uint32_t count = 0;
};
struct WriteArgs {
  std::string_view file;
  uint64_t offset = 0;
  uint32_t count = 0;
  StableHow stable = StableHow::kUnstable;
  std::string_view data;
};
struct CreateArgs {
  DirOpArgs where;
  CreateMode mode = CreateMode::kUnchecked;
  Sattr3 attrs;           // UNCHECKED, GUARDED
  std::string_view verf;  // EXCLUSIVE: 8 bytes
};
struct MkdirArgs {
  DirOpArgs where;
  Sattr3 attrs;
};
struct SymlinkArgs {
  DirOpArgs where;
  Sattr3 attrs;
  std::string_view target;
};
struct MknodArgs {
  DirOpArgs where;
  Ftype3 type = Ftype3::kFifo;
  Sattr3 attrs;  // CHR, BLK, SOCK, FIFO
  uint32_t major = 0, minor = 0;
};
struct RenameArgs {
  DirOpArgs from;
  DirOpArgs to;
};
struct LinkArgs {
  std::string_view file;
  DirOpArgs link;
};
struct ReaddirArgs {
  std::string_view dir;
  uint64_t cookie = 0;
  std::string_view verf;  // 8 bytes
  uint32_t count = 0;     // READDIR: reply size; READDIRPLUS: dircount
  uint32_t maxcount = 0;  // READDIRPLUS only
};
struct CommitArgs {
  std::string_view file;
  uint64_t offset = 0;
  uint32_t count = 0;
};

// Each decodes a whole argument body; false means GARBAGE_ARGS.
bool DecodeNullArgs(std::string_view in);
bool DecodeFhArgs(std::string_view in, FhArgs* a);
bool DecodeSetattrArgs(std::string_view in, SetattrArgs* a);
bool DecodeLookupArgs(std::string_view in, LookupArgs* a);
bool DecodeAccessArgs(std::string_view in, AccessArgs* a);
bool DecodeReadArgs(std::string_view in, ReadArgs* a);
bool DecodeWriteArgs(std::string_view in, WriteArgs* a);
bool DecodeCreateArgs(std::string_view in, CreateArgs* a);
bool DecodeMkdirArgs(std::string_view in, MkdirArgs* a);
bool DecodeSymlinkArgs(std::string_view in, SymlinkArgs* a);
bool DecodeMknodArgs(std::string_view in, MknodArgs* a);
bool DecodeRenameArgs(std::string_view in, RenameArgs* a);
bool DecodeLinkArgs(std::string_view in, LinkArgs* a);
bool DecodeReaddirArgs(std::string_view in, ReaddirArgs* a);
bool DecodeReaddirplusArgs(std::string_view in, ReaddirArgs* a);
bool DecodeCommitArgs(std::string_view in, CommitArgs* a);

// MOUNT v3: MNT and UMNT take a dirpath.
bool DecodeMountPath(std::string_view in, std::string_view* path);

// Portmapper v2 mapping (SET, UNSET, GETPORT).
struct PortmapMapping {
  uint32_t prog = 0, vers = 0, prot = 0, port = 0;
};
bool DecodePortmapMapping(std::string_view in, PortmapMapping* m);

// Building blocks, exposed for tests.
bool DecodeSattr3(XdrDecoder* d, Sattr3* s);
bool DecodeHandle(XdrDecoder* d, std::string_view* fh);
bool DecodeDirOpArgs(XdrDecoder* d, DirOpArgs* a);

}  // namespace zerofs::nfs
