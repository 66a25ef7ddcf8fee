// The one place that picks the libfuse API version, so every file of the
// mount client sees the same fuse_lowlevel.h declarations.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
