// The commented zerofs.toml that `zerofs init` writes.
#pragma once

#include <string>
#include <string_view>

namespace zerofs::config {

// A complete, commented configuration. Parsed back as it is (with no
// environment variables set) it yields a working single-machine setup: data
// under file://~/.local/share/zerofs/data, cache under ~/.cache/zerofs, NFS,
// 9P and NBD on 127.0.0.1 at their default ports.
//
// Every key the loader accepts is explained. Optional keys are commented out
// as "# key = default" lines, one per key, so uncommenting any of them (and
// the "# [section]" header above them, for sections shown commented out)
// gives a valid file. Prose comments never have that shape.
//
// `encryption_password` is written as is into a TOML basic string, so it must
// be non-empty and free of '"', backslashes, '$' and control characters
// (GeneratePassword() output always is).
std::string DefaultConfigText(std::string_view encryption_password);

// As above with a fresh GeneratePassword() (config/password.h), so every
// `zerofs init` gets its own password.
std::string DefaultConfigText();

}  // namespace zerofs::config
