// 9P attributes <-> struct stat, and FUSE setattr requests as Tsetattr.
#pragma once

#include <sys/stat.h>

#include "ninep/messages.h"

namespace zerofs::mount {

struct stat ToStat(const ninep::Rgetattr& a);
// `to_set` is FUSE_SET_ATTR_* bits; the fid is left 0 for the caller.
ninep::Tsetattr ToSetattr(const struct stat& attr, int to_set);

}  // namespace zerofs::mount
