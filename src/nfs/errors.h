// The one errno -> nfsstat3 / mountstat3 table of the NFS server.
#pragma once

#include "base/result.h"
#include "nfs/nfs3_types.h"

namespace zerofs::nfs {

// Maps a failure from the fs core to the status NFSv3 reports. Retryable
// store failures become NFS3ERR_JUKEBOX (the client retries later); unknown
// errnos NFS3ERR_IO.
Nfsstat3 ToNfsstat3(const Error& error);
Nfsstat3 ErrnoToNfsstat3(int err);

// The same for MOUNT replies.
Mountstat3 ToMountstat3(const Error& error);

const char* Nfsstat3Name(Nfsstat3 status);

}  // namespace zerofs::nfs
