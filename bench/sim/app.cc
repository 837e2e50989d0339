#include "bench/sim/app.h"

#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>

#include "bench/sim/carrier.h"
#include "bench/sim/echo_daemon.h"
#include "bench/sim/flags.h"
#include "bench/sim/interactive.h"
#include "bench/sim/load.h"
#include "bench/sim/report.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/signal_set.hpp"
#include "fmt/format.h"

namespace confab::sim {
namespace {

const std::vector<std::string> kBooleans = {"receipts",   "refuse-second-bind", "duplicate-mo",
                                            "quiet",      "wrong-optout-reply", "help",
                                            "retransmit", "distinct-texts",     "match-by-text"};
const std::vector<std::string> kKnown = {"listen",
                                         "connect",
                                         "system-id",
                                         "password",
                                         "receipt-delay",
                                         "fault",
                                         "slow-delay",
                                         "disconnect-after",
                                         "refuse-bind",
                                         "smpp-window",
                                         "response-timeout",
                                         "threads",
                                         "brand",
                                         "linger",
                                         "bind-wait",
                                         "count",
                                         "pool",
                                         "seed",
                                         "rate",
                                         "window",
                                         "duration",
                                         "reply-wait",
                                         "expect-optout-contains",
                                         "expect-help-contains",
                                         "expect-optin-contains",
                                         "latency-csv",
                                         "retry-delay",
                                         "journal",
                                         "ready-file"};

constexpr std::string_view kUsage =
    "usage: confab-sim carrier|interactive|load|echo-daemon [flags]   (bench/sim/README.md)\n";

#define SIM_ASSIGN(lhs, expr)                   \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) {                         \
    err << lhs##_or.status().message() << '\n'; \
    return 2;                                   \
  }                                             \
  auto lhs = *lhs##_or

// Runs an io_context on `threads` threads for the lifetime of this object.
class IoThreads {
 public:
  explicit IoThreads(std::size_t n) : work_(boost::asio::make_work_guard(io_)) {
    for (std::size_t i = 0; i < std::max<std::size_t>(n, 1); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }
  ~IoThreads() {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) {
      t.join();
    }
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

void WaitForSignal(boost::asio::io_context& io) {
  std::promise<void> signalled;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { signalled.set_value(); });
  signalled.get_future().wait();
}

template <typename T>
void StopAndWait(T& thing) {
  std::promise<void> stopped;
  thing.Stop([&] { stopped.set_value(); });
  stopped.get_future().wait();
}

// --ready-file: the listening port, written to FILE.tmp then renamed, so a reader that sees FILE
// sees it whole.
absl::Status WriteReadyFile(const Flags& flags, uint16_t port) {
  if (!flags.Has("ready-file")) {
    return absl::OkStatus();
  }
  const std::string path = flags.Get("ready-file");
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) {
      return absl::InvalidArgumentError("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InvalidArgumentError("cannot rename " + tmp + " to " + path);
  }
  return absl::OkStatus();
}

absl::StatusOr<CarrierOptions> CarrierFromFlags(const Flags& flags) {
  CarrierOptions o;
  std::string where = flags.Get("listen", "127.0.0.1:2775");
  if (flags.Has("connect")) {
    o.mode = CarrierOptions::Mode::kEsme;
    where = flags.Get("connect");
  }
  auto host_port = ParseHostPort(where);
  if (!host_port.ok()) {
    return host_port.status();
  }
  std::tie(o.host, o.port) = *host_port;
  o.system_id = flags.Get("system-id", o.system_id);
  o.password = flags.Get("password", o.password);
  o.receipts = flags.Has("receipts");
  auto receipt_delay = flags.GetDuration("receipt-delay", o.receipt_delay);
  auto slow = flags.GetDuration("slow-delay", o.faults.slow_delay);
  auto timeout = flags.GetDuration("response-timeout", o.session.response_timeout);
  auto disconnect = flags.GetUint("disconnect-after", 0);
  auto window = flags.GetUint("smpp-window", 64);
  for (const absl::Status& s : {receipt_delay.status(), slow.status(), timeout.status(),
                                disconnect.status(), window.status()}) {
    if (!s.ok()) {
      return s;
    }
  }
  o.receipt_delay = *receipt_delay;
  o.faults.slow_delay = *slow;
  o.session.response_timeout = *timeout;
  o.session.window = *window;
  o.faults.disconnect_after = *disconnect;
  o.faults.refuse_second_bind = flags.Has("refuse-second-bind");
  o.faults.duplicate_mo = flags.Has("duplicate-mo");
  if (flags.Has("fault")) {
    auto fault = MtFaultFromName(flags.Get("fault"));
    if (!fault) {
      return absl::InvalidArgumentError("--fault: unknown fault " + flags.Get("fault"));
    }
    o.faults.every_mt = *fault;
  }
  const std::string refuse = flags.Get("refuse-bind", "none");
  if (refuse == "bindfail") {
    o.faults.refuse_bind = smpp::CommandStatus::kBindFail;
  } else if (refuse == "invpaswd") {
    o.faults.refuse_bind = smpp::CommandStatus::kInvPaswd;
  } else if (refuse != "none") {
    return absl::InvalidArgumentError("--refuse-bind: bindfail | invpaswd | none");
  }
  return o;
}

int RunLoad(const Flags& flags, CarrierOptions carrier_options, std::ostream& out,
            std::ostream& err) {
  if (!IsLoopback(carrier_options.host)) {
    err << "load mode talks to loopback addresses only (127.0.0.0/8, ::1)\n";
    return 2;
  }
  LoadOptions o;
  SIM_ASSIGN(count, flags.GetUint("count", o.count));
  SIM_ASSIGN(pool, flags.GetUint("pool", o.mix.pool));
  SIM_ASSIGN(seed, flags.GetUint("seed", o.mix.seed));
  SIM_ASSIGN(rate, flags.GetDouble("rate", 0));
  SIM_ASSIGN(window, flags.GetUint("window", o.window));
  SIM_ASSIGN(duration, flags.GetDuration("duration", o.max_duration));
  SIM_ASSIGN(reply_wait, flags.GetDuration("reply-wait", o.reply_wait));
  SIM_ASSIGN(bind_wait, flags.GetDuration("bind-wait", o.bind_wait));
  SIM_ASSIGN(threads, flags.GetUint("threads", 1));
  SIM_ASSIGN(retry_delay, flags.GetDuration("retry-delay", o.retry_delay));
  o.count = count;
  o.retransmit = flags.Has("retransmit");
  o.mix.distinct_per_sender = flags.Has("distinct-texts");
  o.match_by_text = flags.Has("match-by-text");
  o.retry_delay = retry_delay;
  std::ofstream journal;
  if (flags.Has("journal")) {
    journal.open(flags.Get("journal"), std::ios::trunc);
    if (!journal) {
      err << "cannot write " << flags.Get("journal") << '\n';
      return 2;
    }
    o.journal = &journal;
  }
  o.mix.pool = static_cast<uint32_t>(std::min<uint64_t>(pool, 8'000'000));
  o.mix.seed = seed;
  o.rate = rate;
  o.window = window;
  o.max_duration = duration;
  o.reply_wait = reply_wait;
  o.bind_wait = bind_wait;
  if (flags.Has("brand")) {
    o.mix.brand_numbers.clear();
    for (const std::string& b : flags.GetAll("brand")) {
      o.mix.brand_numbers.push_back(E164(b));
    }
  }
  o.expect_optout = flags.Get("expect-optout-contains", o.expect_optout);
  o.expect_help = flags.Get("expect-help-contains", o.expect_help);
  o.expect_optin = flags.Get("expect-optin-contains", o.expect_optin);
  o.progress = flags.Has("quiet") ? nullptr : &err;
  LoadRunner runner(o);
  LoadReport report;
  {
    IoThreads io(threads);
    auto carrier = Carrier::Start(io.io().get_executor(), carrier_options,
                                  [&runner](const MtMessage& mt) { runner.OnMt(mt); });
    if (!carrier.ok()) {
      err << carrier.status().message() << '\n';
      return 1;
    }
    if ((*carrier)->port() != 0) {
      err << "carrier listening on " << carrier_options.host << ':' << (*carrier)->port() << '\n';
    }
    if (absl::Status s = WriteReadyFile(flags, (*carrier)->port()); !s.ok()) {
      err << s.message() << '\n';
      StopAndWait(**carrier);
      return 1;
    }
    report = runner.Run(**carrier);
    StopAndWait(**carrier);
  }
  out << ReportJson(report) << '\n' << ReportTable(report);
  if (flags.Has("latency-csv")) {
    if (absl::Status s = WriteLatencyCsv(report, flags.Get("latency-csv")); !s.ok()) {
      err << s.message() << '\n';
      return 1;
    }
  }
  const bool clean = report.bound && report.mo_lost == 0 && report.replies_wrong == 0 &&
                     report.replies_missing == 0;
  return clean ? 0 : 1;
}

}  // namespace

int RunSim(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
           std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    out << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string role = args[0];
  SIM_ASSIGN(flags, Flags::Parse({args.begin() + 1, args.end()}, kBooleans, kKnown));
  if (role == "echo-daemon") {
    SIM_ASSIGN(target, ParseHostPort(flags.Get("connect", "127.0.0.1:2775")));
    SIM_ASSIGN(window, flags.GetUint("smpp-window", 64));
    EchoDaemonOptions o;
    std::tie(o.host, o.port) = target;
    o.system_id = flags.Get("system-id", o.system_id);
    o.password = flags.Get("password", o.password);
    o.window = window;
    o.wrong_optout_reply = flags.Has("wrong-optout-reply");
    IoThreads io(1);
    auto daemon = EchoDaemon::Start(io.io().get_executor(), o);
    err << "echo-daemon binding to " << o.host << ':' << o.port << "; Ctrl-C stops\n";
    WaitForSignal(io.io());
    StopAndWait(*daemon);
    out << fmt::format("echo-daemon: {} MOs, {} replies\n", daemon->mos_received(),
                       daemon->replies_sent());
    return 0;
  }
  SIM_ASSIGN(carrier_options, CarrierFromFlags(flags));
  if (role == "load") {
    return RunLoad(flags, carrier_options, out, err);
  }
  if (role != "carrier" && role != "interactive") {
    err << "unknown role " << role << '\n' << kUsage;
    return 2;
  }
  SIM_ASSIGN(threads, flags.GetUint("threads", 1));
  SIM_ASSIGN(linger, flags.GetDuration("linger", std::chrono::milliseconds(3'000)));
  SIM_ASSIGN(bind_wait, flags.GetDuration("bind-wait", std::chrono::milliseconds(600'000)));
  InteractiveOptions io_options;
  io_options.brand_number = E164(flags.Get("brand", io_options.brand_number));
  io_options.linger = linger;
  io_options.bind_wait = bind_wait;
  Interactive console(out, io_options);
  IoThreads io(threads);
  auto carrier = Carrier::Start(io.io().get_executor(), carrier_options,
                                [&console](const MtMessage& mt) { console.OnMt(mt); });
  if (!carrier.ok()) {
    err << carrier.status().message() << '\n';
    return 1;
  }
  if (absl::Status s = WriteReadyFile(flags, (*carrier)->port()); !s.ok()) {
    err << s.message() << '\n';
    StopAndWait(**carrier);
    return 1;
  }
  if (role == "interactive") {
    console.Run(in, **carrier);
  } else {
    err << "carrier on " << carrier_options.host << ':'
        << ((*carrier)->port() ? (*carrier)->port() : carrier_options.port)
        << " (MTs printed as they come); Ctrl-C stops\n";
    WaitForSignal(io.io());
  }
  StopAndWait(**carrier);
  return 0;
}

}  // namespace confab::sim
