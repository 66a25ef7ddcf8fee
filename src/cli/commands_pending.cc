// Placeholders for cli/commands.h until the engine-backed commands exist.

#include "cli/commands.h"
#include "cli/report.h"

namespace zerofs::cli {

int Fsck(const config::Config&) { return ReportError("'fsck' is not available in this build yet"); }

}  // namespace zerofs::cli
