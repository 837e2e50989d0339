#pragma once

// Interactive mode for newcomers: one MO per input line, every MT from the daemon printed.
//   +15551234567 STOP                      from that subscriber to the default brand number
//   +15551234567 > +15550100001 hola       to another brand number
//   # a comment, empty lines, `quit`      ignored / ends
// Output ("→" for what we sent, "←" for what the daemon sent back, decoded and reassembled):
//   → +15551234567 > +15550100000: STOP [acked]
//   ← +15551234567: Acme: You are unsubscribed…
// Plain std::istream / std::ostream: works from a terminal, tmux or a pipe. At end of input it
// waits for the replies still coming: until every MO got a reply, or nothing arrived for
// `linger`.

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>

#include "bench/sim/carrier.h"

namespace confab::sim {

struct InteractiveOptions {
  std::string brand_number = "+15550100000";
  std::chrono::milliseconds linger{3'000};
  std::chrono::milliseconds bind_wait{600'000};
};

struct MoLine {
  std::string source;
  std::string destination;
  std::string text;
};
// Parses one input line; nullopt when it is not an MO (see above). `brand` fills a missing "> TO".
std::optional<MoLine> ParseMoLine(std::string_view line, std::string_view brand);

class Interactive {
 public:
  Interactive(std::ostream& out, InteractiveOptions options)
      : out_(out), options_(std::move(options)) {}
  void OnMt(const MtMessage& mt);  // Carrier::Start's on_mt
  // Reads `in` to its end (or `quit`), sending each line. Returns the number of MOs sent.
  int Run(std::istream& in, Carrier& carrier);

 private:
  void Print(const std::string& line);

  std::ostream& out_;
  InteractiveOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  int sent_ = 0;
  int replies_ = 0;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace confab::sim
