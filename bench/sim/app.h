#pragma once

// confab-sim's command line: `confab-sim ROLE [flags]` with ROLE carrier | interactive | load |
// echo-daemon (bench/sim/README.md lists every flag). Returns the exit code: 0 done, 1 the run
// failed (load: MOs lost, replies wrong or missing, or no bind), 2 bad flags.

#include <iosfwd>
#include <string>
#include <vector>

namespace confab::sim {

int RunSim(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
           std::ostream& err);

}  // namespace confab::sim
