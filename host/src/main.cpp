// roundhouse: the Roundhouse host executable. See host/README.md.
#include "cli.hpp"

int main(int argc, char** argv) { return roundhouse::host::run_cli(argc, argv); }
