// SMPP codec hot paths: decoding a deliver_sm and encoding a submit_sm, each with a 160-character
// GSM 7-bit text (unpacked, one septet per octet). Targets: <= 150 ns and zero heap allocations
// per operation; "allocs_per_op" is measured with confab_alloc_counter.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/alloc_counter.h"
#include "smpp/codec.h"

namespace confab::smpp {
namespace {

const std::string& Text160() {
  static const std::string text = [] {
    std::string t;
    while (t.size() < 160) {
      t += "Your order 4711 has shipped and will arrive tomorrow. Reply STOP to opt out. ";
    }
    t.resize(160);
    return t;
  }();
  return text;
}

std::span<const uint8_t> Octets(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <class T>
T TypicalMessage() {
  T sm;
  sm.source = {.ton = 1, .npi = 1, .addr = "447700900123"};
  sm.destination = {.ton = 1, .npi = 1, .addr = "447700900456"};
  sm.registered_delivery = registered_delivery::kReceiptOnSuccessOrFailure;
  sm.data_coding = data_coding::kSmscDefault;
  sm.short_message = Octets(Text160());
  return sm;
}

void ReportAllocations(benchmark::State& state, uint64_t before) {
  const uint64_t allocations = bench::AllocationCount() - before;
  state.counters["allocs_per_op"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
}

void BM_DecodeDeliverSm(benchmark::State& state) {
  std::vector<uint8_t> wire;
  DeliverSm deliver = TypicalMessage<DeliverSm>();
  deliver.registered_delivery = 0;
  Encode(MakePdu(deliver, 12345), wire);
  const uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    DecodeResult r = Decode(wire);
    benchmark::DoNotOptimize(r);
  }
  ReportAllocations(state, before);
  if (Decode(wire).state != DecodeState::kOk) {
    state.SkipWithError("deliver_sm did not decode");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_DecodeDeliverSm);

void BM_EncodeSubmitSm(benchmark::State& state) {
  const Pdu pdu = MakePdu(TypicalMessage<SubmitSm>(), 12345);
  std::vector<uint8_t> out;
  out.reserve(512);
  const uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    out.clear();
    Encode(pdu, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  ReportAllocations(state, before);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeSubmitSm);

// The other hot decode: the SMSC's answer to every submit_sm.
void BM_DecodeSubmitSmResp(benchmark::State& state) {
  std::vector<uint8_t> wire;
  Header request{.command_id = static_cast<uint32_t>(CommandId::kSubmitSm), .sequence_number = 9};
  Encode(SubmitSmRespFor(request, "0123456789abcdef0123"), wire);
  const uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    DecodeResult r = Decode(wire);
    benchmark::DoNotOptimize(r);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_DecodeSubmitSmResp);

}  // namespace
}  // namespace confab::smpp

BENCHMARK_MAIN();
