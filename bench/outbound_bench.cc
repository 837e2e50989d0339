// The outbound path end to end on loopback: outbox items (carried replies, as the pipeline
// queues them) in a RocksDB store → the dispatcher (segmentation, flow control, windows) → one
// SMPP bind (EsmeClient, window 512, no TPS cap) → the carrier simulator (confab_sim_lib's
// Carrier, SMSC mode, answering every submit_sm and sending a delivery receipt for each part) →
// the outcomes recorded (message record, carrier references, outbox delete, fsync group commit)
// and the receipts processed (ReceiptProcessor: reference found, state updated, durable).
//
// Sizes from the environment (the CI smoke run uses the small default):
//   CONFAB_OUTBOUND_BENCH_MESSAGES  single-part messages queued (2000), two per recipient (the
//                                   second waits for the first: one at a time per recipient)
// Counters: parts_per_s (first submit → last outcome durable), receipts_per_s (their
// processing, overlapping), rss_MB.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <string>

#include "bench/bench_env.h"
#include "bench/sim/carrier.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "daemon/dispatcher.h"
#include "daemon/metrics.h"
#include "daemon/receipts.h"
#include "rocksdb/db.h"
#include "smpp/esme_client.h"
#include "store/group_commit.h"
#include "store/store.h"
#include "store/write_set.h"

namespace confab::outbound {
namespace {

namespace asio = boost::asio;

using bench::EnvCount;
using bench::RssMb;

// Counts what it is told and wakes the benchmark when it reaches `target`.
struct Countdown {
  std::mutex mutex;
  std::condition_variable cv;
  uint64_t count = 0;
  void Add() {
    std::lock_guard lock(mutex);
    ++count;
    cv.notify_all();
  }
  void WaitFor(uint64_t target) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return count >= target; });
  }
};

// The ESME side of the daemon's bind: receipts (deliver_sm) go to the receipt processor, as the
// daemon's pipeline hands them over; counted once answered (durable).
class ReceiptHandler : public smpp::SessionHandler {
 public:
  ReceiptHandler(Countdown& receipts) : receipts_(receipts) {}
  void OnRequest(smpp::Session&, const smpp::Pdu& request, smpp::Responder responder) override {
    processor->OnReceipt(
        0, request, [this, responder = std::move(responder)](smpp::CommandStatus status) mutable {
          responder.Respond(status);
          if (status == smpp::CommandStatus::kOk) {
            receipts_.Add();
          }
        });
  }
  ReceiptProcessor* processor = nullptr;

 private:
  Countdown& receipts_;
};

void BM_Outbound(benchmark::State& state) {
  const uint64_t messages = EnvCount("CONFAB_OUTBOUND_BENCH_MESSAGES", 2000);
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("confab-outbound-bench-" + std::to_string(::getpid())))
                                 .string();
    std::filesystem::remove_all(path);
    auto store = store::Store::Open({.path = path});
    if (!store.ok()) {
      state.SkipWithError(std::string(store.status().message()).c_str());
      return;
    }
    // The outbox as the pipeline leaves it: carried replies, one per recipient and seq.
    for (uint64_t i = 0; i < messages;) {
      store::WriteSet writes((*store)->handles());
      for (uint64_t j = 0; j < 1000 && i < messages; ++j, ++i) {
        store::MessageRecord reply;
        reply.direction = store::Direction::kOutbound;
        reply.kind = store::MessageKind::kAutoResponse;
        reply.delivery = store::DeliveryState::kQueued;
        reply.text = "Acme: Thanks for your message. We will reply as soon as we can.";
        store::OutboxItem item;
        item.message = reply;
        const uint64_t recipients = std::max<uint64_t>(1, messages / 2);
        writes.PutOutbox(
            {1000, {{15550100000, 15552000000 + i % recipients}, uint32_t(i / recipients + 1)}},
            item);
      }
      (void)(*store)->Write(rocksdb::WriteOptions(), &writes.batch());
    }
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread io_thread([&] { io.run(); });
    sim::CarrierOptions carrier_options;
    carrier_options.receipts = true;
    carrier_options.session.window = 512;
    auto carrier = sim::Carrier::Start(io.get_executor(), carrier_options, {});
    Countdown receipts;
    auto handler = std::make_shared<ReceiptHandler>(receipts);
    smpp::EsmeClientOptions client_options;
    client_options.port = (*carrier)->port();
    client_options.credentials.system_id = "confab";
    client_options.credentials.password = "secret";
    client_options.session.window = 512;
    auto client = smpp::EsmeClient::Create(io.get_executor(), client_options, handler);
    client->Start();
    (*carrier)->WaitBound(std::chrono::seconds(10));
    while (client->transmitter() == nullptr) {
      std::this_thread::yield();  // the bind's completion, a moment after the carrier's side
    }
    store::GroupCommitter committer(**store, {});
    metrics::Registry registry;
    ReceiptProcessor processor(
        **store, (*store)->handles(),
        [db = store->get()](const rocksdb::WriteOptions& o, rocksdb::WriteBatch* b) {
          return db->Write(o, b);
        },
        ReceiptOptions{}, registry);
    handler->processor = &processor;
    DispatcherOptions options;
    RouteOptions sim_route;
    sim_route.name = "sim";
    sim_route.window = 512;
    options.routes.push_back(sim_route);
    options.max_messages_in_flight = 8192;
    Dispatcher dispatcher(
        **store, (*store)->handles(), committer,
        [&](uint32_t) {
          std::vector<BoundTransmitter> sessions;
          if (auto session = client->transmitter()) {
            sessions.emplace_back(session);
          }
          return sessions;
        },
        options, registry);
    Countdown recorded;
    dispatcher.SetObserver([&](const store::MessageKey&, store::DeliveryState) { recorded.Add(); });
    dispatcher.SetRefsStored([&](uint32_t route, std::vector<std::string> ids) {
      processor.OnCarrierRefsStored(route, std::move(ids));
    });
    state.ResumeTiming();

    const auto start = std::chrono::steady_clock::now();
    dispatcher.Start();
    recorded.WaitFor(messages);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    receipts.WaitFor(messages);
    const double receipt_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    state.PauseTiming();
    const Dispatcher::Stats stats = dispatcher.stats();
    state.counters["parts_per_s"] = static_cast<double>(stats.submitted_parts) / seconds;
    state.counters["receipts_per_s"] = static_cast<double>(messages) / receipt_seconds;
    state.counters["failed"] = static_cast<double>(stats.failed_messages);
    state.counters["rss_MB"] = RssMb();
    dispatcher.Stop();
    processor.Stop();
    committer.Stop();
    // Unbind both ends before the io_context stops, or their sessions outlive it.
    std::promise<void> client_stopped;
    client->Stop([&] { client_stopped.set_value(); });
    client_stopped.get_future().wait();
    std::promise<void> carrier_stopped;
    (*carrier)->Stop([&] { carrier_stopped.set_value(); });
    carrier_stopped.get_future().wait();
    work.reset();
    io.stop();
    io_thread.join();
    store->reset();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Outbound)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace confab::outbound

BENCHMARK_MAIN();
