// confab-sim: carrier simulator and load generator for confabd (bench/sim/README.md).

#include <iostream>
#include <string>
#include <vector>

#include "bench/sim/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return confab::sim::RunSim(args, std::cin, std::cout, std::cerr);
}
