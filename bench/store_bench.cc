// The store's share of the inbound pipeline: per MO, read the thread's profile record, decide,
// stage the write set the pipeline will produce, and commit it through the GroupCommitter, over
// many distinct profiles, with fsync per group (Arg 1) and without (Arg 0).
//
//   conversation MO: inbound message + profile record + inbox move (delete + put) + outbox item
//                    carrying the auto-reply
//   keyword MO (STOP): inbound message + profile record + consent audit + outbox item carrying
//                    the keyword reply (no inbox entry: keywords start no conversation)
//   duplicate MO: the profile read finds the idempotency hash; nothing is written
//
// Dataset size from the environment (the CI smoke run uses the small defaults):
//   CONFAB_STORE_BENCH_PROFILES  distinct profiles, preloaded with an open conversation (5000)
//   CONFAB_STORE_BENCH_MOS       MOs per benchmark (5000)
//   CONFAB_STORE_BENCH_UNSORTED  if set, groups are written unsorted (GroupCommitOptions)
// Counters: MO_per_s = MOs / wall time from the first submit to the last acknowledgement;
// puts_per_MO and bytes_per_MO = operations and WriteBatch bytes per MO; rss_MB = VmRSS at the
// end with the store open; allocs_per_MO = heap allocations per MO on the producing thread and
// the writer together.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "bench/alloc_counter.h"
#include "bench/bench_env.h"
#include "rocksdb/db.h"
#include "store/group_commit.h"
#include "store/reader.h"
#include "store/store.h"
#include "store/write_set.h"

namespace confab::store {
namespace {

constexpr uint64_t kBrand = 15550000001;
constexpr uint64_t kStart = 1'700'000'000'000;
constexpr uint64_t kDedupTtl = 600'000;

using bench::EnvCount;
using bench::RssMb;

const std::string& ConversationText() {
  static const std::string text =
      "Hi, my order 4711 has not arrived yet, can you check where it is? Thanks, Maria";
  return text;
}

// Message templates, built once (as the pipeline's classifier and templates would hand them over).
const MessageRecord& ConversationInbound() {
  static const MessageRecord r = [] {
    MessageRecord m;
    m.text = ConversationText();
    return m;
  }();
  return r;
}

const MessageRecord& KeywordInbound() {
  static const MessageRecord r = [] {
    MessageRecord m;
    m.kind = MessageKind::kKeyword;
    m.text = "STOP";
    m.rule_id = 1;
    m.language = std::string("en");
    m.span_length = 4;
    m.table_version = 1;
    return m;
  }();
  return r;
}

MessageRecord Outbound(MessageKind kind, std::string text) {
  MessageRecord m;
  m.direction = Direction::kOutbound;
  m.delivery = DeliveryState::kQueued;
  m.kind = kind;
  m.text = std::move(text);
  return m;
}

const MessageRecord& KeywordReply() {
  static const MessageRecord r =
      Outbound(MessageKind::kKeywordReply,
               "Acme: You are unsubscribed and will receive no further messages.");
  return r;
}

const MessageRecord& AutoResponse() {
  static const MessageRecord r =
      Outbound(MessageKind::kAutoResponse,
               "Acme: Thanks for your message, an agent will answer soon. help@acme.example");
  return r;
}

enum class Kind { kConversation, kKeyword, kDuplicate, kMix };

// Profiles are visited in a scattered order (multiplicative step) so that consecutive MOs hit
// unrelated keys, as they do from many subscribers.
uint64_t ProfileFor(uint64_t i, uint64_t profiles) {
  return 12'025'550'000 + (i * 7'919'191) % profiles;
}

class StoreBench {
 public:
  explicit StoreBench(bool sync) {
    dir_ = std::filesystem::temp_directory_path() /
           ("confab_store_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    StoreOptions options;
    options.path = dir_.string();
    options.durability = sync ? Durability::kFsync : Durability::kOs;
    store_ = *Store::Open(options);
    profiles_ = EnvCount("CONFAB_STORE_BENCH_PROFILES", 5000);
    Preload();
  }
  ~StoreBench() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every profile exists with an open conversation last active a day ago, so that each MO
  // moves its inbox entry (the steady state, and the costlier case).
  void Preload() {
    rocksdb::WriteOptions options;
    options.disableWAL = true;
    WriteSet set(store_->handles());
    for (uint64_t i = 0; i < profiles_; ++i) {
      ProfileRecord r;
      r.consent = Consent::kSubscribed;
      r.state = ConversationState::kOpen;
      r.last_activity_ms = kStart - 86'400'000 + i;
      r.last_auto_response_ms = r.last_activity_ms;
      r.next_message_seq = 1;
      set.PutProfile({kBrand, ProfileFor(i, profiles_)}, nullptr, r);
      if (set.operations() >= 20'000 || i + 1 == profiles_) {
        rocksdb::WriteBatch batch = set.Release();
        (void)store_->Write(options, &batch);
      }
    }
    (void)store_->db()->FlushWAL(true);
    rocksdb::FlushOptions flush;
    (void)store_->db()->Flush(flush, std::vector<rocksdb::ColumnFamilyHandle*>(
                                         store_->handles().begin(), store_->handles().end()));
  }

  // Reads and stages one MO; returns false when nothing is to be written (a duplicate).
  bool Stage(Kind kind, uint64_t i, WriteSet& set) {
    const ThreadId thread{kBrand, ProfileFor(i, profiles_)};
    const uint64_t now = kStart + i / 100;  // 100 MOs per millisecond
    StoreReader reader(*store_);
    absl::StatusOr<std::optional<ProfileRecord>> found = reader.GetProfile(thread);
    ProfileRecord before = found.ok() && found->has_value() ? **found : ProfileRecord{};
    const uint64_t idempotency = (kind == Kind::kDuplicate) ? 42 : i * 0x9E3779B97F4A7C15ull;
    if (kind == Kind::kDuplicate) {
      before.RememberInbound(idempotency, now, kDedupTtl);  // as if the first copy was stored
    }
    if (before.SeenInbound(idempotency, now, kDedupTtl)) {
      return false;
    }
    ProfileRecord after = before;
    after.RememberInbound(idempotency, now, kDedupTtl);
    const uint32_t seq = after.next_message_seq;
    MessageRecord inbound = kind == Kind::kKeyword ? KeywordInbound() : ConversationInbound();
    MessageRecord reply = kind == Kind::kKeyword ? KeywordReply() : AutoResponse();
    inbound.created_ms = inbound.updated_ms = now;
    reply.created_ms = reply.updated_ms = now;
    if (kind == Kind::kKeyword) {
      after.consent = Consent::kUnsubscribed;
      set.AppendAudit(
          thread, after.next_audit_seq++,
          {now, before.consent, after.consent, ConsentCause::kKeyword, true, seq, inbound.text});
    } else {
      after.state = ConversationState::kOpen;
      after.unread = true;
      after.last_activity_ms = now;
    }
    set.PutMessage({thread, seq}, inbound);
    const bool replies =
        kind == Kind::kKeyword || now - std::min(now, before.last_auto_response_ms) >= 600'000;
    if (replies) {
      set.PutOutbox({now, {thread, seq + 1}}, OutboxItem{0, 1, std::move(reply)});
      if (kind != Kind::kKeyword) {
        after.last_auto_response_ms = now;
      }
    }
    after.next_message_seq = seq + (replies ? 2 : 1);
    set.PutProfile(thread, &before, after);
    return true;
  }

  void Run(benchmark::State& state, Kind kind) {
    GroupCommitOptions options;
    options.sync = state.range(0) == 1;
    options.sort_groups = std::getenv("CONFAB_STORE_BENCH_UNSORTED") == nullptr;
    GroupCommitter committer(*store_, options);
    std::atomic<uint64_t> acked{0};
    uint64_t submitted = 0;
    uint64_t written = 0;
    uint64_t operations = 0;
    uint64_t bytes = 0;
    uint64_t i = 0;
    const uint64_t allocs_before = bench::AllocationCount();
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
      const Kind this_kind = kind != Kind::kMix ? kind
                             : i % 20 < 16      ? Kind::kConversation
                             : i % 20 < 19      ? Kind::kKeyword
                                                : Kind::kDuplicate;
      WriteSet set(store_->handles());
      if (Stage(this_kind, i++, set)) {
        ++written;
        operations += set.operations();
        bytes += set.bytes();
        rocksdb::WriteBatch batch = set.Release();
        for (;;) {
          absl::Status queued = committer.Submit(std::move(batch), [&acked](absl::Status s) {
            if (s.ok()) {
              acked.fetch_add(1, std::memory_order_relaxed);
            }
          });
          if (!absl::IsResourceExhausted(queued)) {
            break;
          }
          std::this_thread::yield();  // backpressure: the commit queue is full
        }
        ++submitted;
      }
    }
    while (acked.load() < submitted) {
      std::this_thread::yield();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const GroupCommitStats stats = committer.stats();
    committer.Stop();
    const double mos = static_cast<double>(i);
    state.counters["MO_per_s"] = mos / seconds;
    state.counters["puts_per_MO"] = written ? static_cast<double>(operations) / written : 0;
    state.counters["bytes_per_MO"] = written ? static_cast<double>(bytes) / written : 0;
    state.counters["avg_group"] =
        stats.groups ? static_cast<double>(stats.batches) / stats.groups : 0;
    state.counters["allocs_per_MO"] =
        static_cast<double>(bench::AllocationCount() - allocs_before) / mos;
    state.counters["profiles"] = static_cast<double>(profiles_);
    state.counters["rss_MB"] = RssMb();
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  uint64_t profiles_ = 0;
};

void RunKind(benchmark::State& state, Kind kind) {
  StoreBench bench(state.range(0) == 1);
  bench.Run(state, kind);
}

void BM_ConversationMo(benchmark::State& state) { RunKind(state, Kind::kConversation); }
void BM_KeywordMo(benchmark::State& state) { RunKind(state, Kind::kKeyword); }
void BM_DuplicateMo(benchmark::State& state) { RunKind(state, Kind::kDuplicate); }
void BM_MixMo(benchmark::State& state) { RunKind(state, Kind::kMix); }

const int64_t kMos = static_cast<int64_t>(EnvCount("CONFAB_STORE_BENCH_MOS", 5000));

BENCHMARK(BM_ConversationMo)->Arg(1)->Arg(0)->Iterations(kMos)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeywordMo)->Arg(1)->Arg(0)->Iterations(kMos)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DuplicateMo)->Arg(1)->Iterations(kMos)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MixMo)->Arg(1)->Arg(0)->Iterations(kMos)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace confab::store

BENCHMARK_MAIN();
