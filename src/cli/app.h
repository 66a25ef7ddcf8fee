// Command-line entry point: parses the command and runs it. Returns the
// process exit code (0 on success, 1 on a reported error, 2 on bad usage).
#pragma once

namespace zerofs::cli {

int Main(int argc, char** argv);

}  // namespace zerofs::cli
