#include "cli/report.h"

#include <iostream>
#include <string>

namespace zerofs::cli {

int ReportError(std::string_view message) {
  std::cerr << "zerofs: " << message << std::endl;
  return kExitFailure;
}

int ReportError(const Error& error) {
  return ReportError(error.context().empty() ? error.ToString() : error.context());
}

}  // namespace zerofs::cli
