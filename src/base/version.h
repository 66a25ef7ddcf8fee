#pragma once

namespace zerofs {

// Set from CMake's project(VERSION) in src/base/version.cc.
extern const char* const kVersion;

}  // namespace zerofs
