// libFuzzer target: record marking, the RPC call header and every
// procedure's argument decoder (NFS v3, MOUNT v3, portmapper v2). Input: a
// byte stream as read from a socket. Built by fuzz/CMakeLists.txt
// (ZEROFS_FUZZ=ON, clang); scripts/fuzz.sh 60 nfs_fuzz runs it for 60 s from
// the seeds in fuzz/corpus/nfs_fuzz.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "nfs/file_handle.h"
#include "nfs/nfs3_args.h"
#include "nfs/record.h"
#include "nfs/rpc.h"

namespace zerofs::nfs {
namespace {

void DecodeAll(std::string_view args) {
  FhArgs fh;
  SetattrArgs setattr;
  LookupArgs lookup;
  AccessArgs access;
  ReadArgs read;
  WriteArgs write;
  CreateArgs create;
  MkdirArgs mkdir;
  SymlinkArgs symlink;
  MknodArgs mknod;
  RenameArgs rename;
  LinkArgs link;
  ReaddirArgs readdir;
  CommitArgs commit;
  std::string_view path;
  PortmapMapping mapping;
  (void)DecodeNullArgs(args);
  if (DecodeFhArgs(args, &fh)) (void)FileHandle::Decode(fh.object);
  (void)DecodeSetattrArgs(args, &setattr);
  (void)DecodeLookupArgs(args, &lookup);
  (void)DecodeAccessArgs(args, &access);
  (void)DecodeReadArgs(args, &read);
  if (DecodeWriteArgs(args, &write) && write.data.size() > args.size()) __builtin_trap();
  (void)DecodeCreateArgs(args, &create);
  (void)DecodeMkdirArgs(args, &mkdir);
  (void)DecodeSymlinkArgs(args, &symlink);
  (void)DecodeMknodArgs(args, &mknod);
  (void)DecodeRenameArgs(args, &rename);
  (void)DecodeLinkArgs(args, &link);
  (void)DecodeReaddirArgs(args, &readdir);
  (void)DecodeReaddirplusArgs(args, &readdir);
  (void)DecodeCommitArgs(args, &commit);
  (void)DecodeMountPath(args, &path);
  (void)DecodePortmapMapping(args, &mapping);
}

}  // namespace
}  // namespace zerofs::nfs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zerofs::nfs;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // The raw input is also tried as a bare argument body.
  DecodeAll(in);
  // Split the stream at a data-dependent point to exercise reassembly.
  RecordAssembler assembler(64 * 1024);
  std::vector<std::string> records;
  size_t cut = size > 0 ? data[0] % (size + 1) : 0;
  if (assembler.Feed(in.substr(0, cut), &records).ok()) {
    (void)assembler.Feed(in.substr(cut), &records);
  }
  for (const auto& rec : records) {
    CallHeader h;
    std::string_view args;
    if (ParseCall(rec, &h, &args) == CallStatus::kOk) DecodeAll(args);
  }
  return 0;
}
