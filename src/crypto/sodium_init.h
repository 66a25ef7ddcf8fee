// One-time libsodium initialisation shared by the crypto layer.
#pragma once

namespace zerofs::crypto {

// Initialises libsodium exactly once per process (thread-safe). Every crypto
// entry point calls it before touching libsodium; aborts the process with a
// message on stderr if libsodium cannot initialise (no usable randomness),
// since nothing can be encrypted safely in that state.
void EnsureSodiumInitialized();

}  // namespace zerofs::crypto
