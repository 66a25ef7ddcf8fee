#include "cli/app.h"

int main(int argc, char** argv) { return zerofs::cli::Main(argc, argv); }
