#include "bench/sim/interactive.h"

#include <istream>
#include <ostream>

#include "fmt/format.h"
#include "smpp/session_error.h"

namespace confab::sim {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The next space-separated token of `s`, removed from it.
std::string_view Token(std::string_view& s) {
  s = Trim(s);
  const std::size_t end = s.find_first_of(" \t");
  std::string_view token = s.substr(0, end);
  s = end == std::string_view::npos ? std::string_view() : s.substr(end);
  return token;
}

bool IsNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::optional<MoLine> ParseMoLine(std::string_view line, std::string_view brand) {
  std::string_view rest = Trim(line);
  if (rest.empty() || rest.front() == '#') {
    return std::nullopt;
  }
  MoLine mo;
  std::string_view from = Token(rest);
  if (!IsNumber(from)) {
    return std::nullopt;
  }
  mo.source = E164(from);
  mo.destination = E164(brand);
  std::string_view lookahead = rest;
  if (Token(lookahead) == ">") {
    std::string_view to = Token(lookahead);
    if (!IsNumber(to)) {
      return std::nullopt;
    }
    mo.destination = E164(to);
    rest = lookahead;
  }
  mo.text = std::string(Trim(rest));
  if (mo.text.empty()) {
    return std::nullopt;
  }
  return mo;
}

void Interactive::Print(const std::string& line) {
  out_ << line << '\n';
  out_.flush();
}

void Interactive::OnMt(const MtMessage& mt) {
  std::lock_guard lock(mutex_);
  ++replies_;
  last_activity_ = std::chrono::steady_clock::now();
  Print(fmt::format("← {}: {}{}", mt.destination, mt.text,
                    mt.parts > 1 ? fmt::format(" [{} parts]", mt.parts) : ""));
  cv_.notify_all();
}

int Interactive::Run(std::istream& in, Carrier& carrier) {
  if (!carrier.bound()) {
    {
      std::lock_guard lock(mutex_);
      Print(carrier.options().mode == CarrierOptions::Mode::kSmsc
                ? fmt::format("waiting for the daemon to bind on {}:{} …", carrier.options().host,
                              carrier.port())
                : fmt::format("binding to the daemon at {}:{} …", carrier.options().host,
                              carrier.options().port));
    }
    if (!carrier.WaitBound(options_.bind_wait)) {
      std::lock_guard lock(mutex_);
      Print("no bind: giving up");
      return 0;
    }
  }
  {
    std::lock_guard lock(mutex_);
    Print(fmt::format("bound. Type: +15551234567 STOP   (or +1555… > {} text); quit to end",
                      options_.brand_number));
  }
  std::string line;
  while (std::getline(in, line)) {
    if (Trim(line) == "quit" || Trim(line) == "exit") {
      break;
    }
    std::optional<MoLine> mo = ParseMoLine(line, options_.brand_number);
    if (!mo) {
      if (!Trim(line).empty() && Trim(line).front() != '#') {
        std::lock_guard lock(mutex_);
        Print("? usage: +15551234567 [> +15550100000] TEXT");
      }
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      ++in_flight_;
      ++sent_;
      last_activity_ = std::chrono::steady_clock::now();
    }
    std::string shown = fmt::format("→ {} > {}: {}", mo->source, mo->destination, mo->text);
    carrier.SendMo(
        mo->source, mo->destination, mo->text, [this, shown = std::move(shown)](const MoResult& r) {
          std::lock_guard lock(mutex_);
          --in_flight_;
          last_activity_ = std::chrono::steady_clock::now();
          std::string outcome =
              r.error ? "error: " + r.error.message()
              : r.status == smpp::CommandStatus::kOk
                  ? std::string(r.parts > 1 ? fmt::format("acked, {} parts", r.parts) : "acked")
                  : "refused: " + std::string(smpp::CommandStatusName(r.status));
          Print(fmt::format("{} [{}]", shown, outcome));
          cv_.notify_all();
        });
  }
  // End of input: wait for what is still coming.
  std::unique_lock lock(mutex_);
  while (!(in_flight_ == 0 && replies_ >= sent_)) {
    const auto quiet_until = last_activity_ + options_.linger;
    if (std::chrono::steady_clock::now() >= quiet_until) {
      break;
    }
    cv_.wait_until(lock, quiet_until);
  }
  return sent_;
}

}  // namespace confab::sim
