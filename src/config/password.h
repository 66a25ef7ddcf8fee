// Random passwords for `zerofs init`.
#pragma once

#include <cstddef>
#include <string>

namespace zerofs::config {

// `length` characters drawn uniformly from [A-Za-z0-9] using the kernel's
// CSPRNG (getrandom). 24 characters carry about 142 bits. Such a password
// needs no quoting in TOML and contains no '$'. Aborts if the kernel cannot
// supply randomness, which on Linux means something is badly wrong.
std::string GeneratePassword(size_t length = 24);

}  // namespace zerofs::config
