#include "bench/api_bench_dataset.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "rocksdb/db.h"
#include "store/write_set.h"

namespace confab::bench {

Flags flags;

namespace {

store::MessageRecord Message(store::Direction direction, store::MessageKind kind,
                             uint64_t created_ms, std::string text) {
  store::MessageRecord m;
  m.direction = direction;
  m.kind = kind;
  m.delivery = direction == store::Direction::kInbound ? store::DeliveryState::kReceived
                                                       : store::DeliveryState::kDelivered;
  m.created_ms = m.updated_ms = created_ms;
  if (direction == store::Direction::kOutbound) {
    m.carrier_message_id = "4f2a9c0e11";
  }
  m.text = std::move(text);
  return m;
}

absl::Status Populate(store::Store& db, uint64_t count) {
  std::mt19937_64 random(42);
  rocksdb::WriteOptions options;
  options.disableWAL = true;  // flushed below; a crash mid-populate just repopulates
  const std::string question =
      "Hi, my order 4711 has not arrived yet, can you check where it is? It was supposed to come "
      "on Monday and the tracking page has said 'in transit' since last week. Thanks, Maria";
  const std::string answer = "Hi Maria, sorry about that! It is out for delivery today.";
  store::WriteSet set(db.handles());
  for (uint64_t i = 0; i < count; ++i) {
    const store::ThreadId thread{kBrands[i % 3], kFirstProfile + i};
    const uint64_t roll = random() % 100;
    const uint64_t activity = kNowMs - random() % (30ull * 86'400'000);
    store::ProfileRecord profile;
    profile.consent = store::Consent::kSubscribed;
    profile.state = roll < 70   ? store::ConversationState::kOpen
                    : roll < 85 ? store::ConversationState::kSnoozed
                                : store::ConversationState::kClosed;
    profile.unread = profile.state != store::ConversationState::kClosed && random() % 10 < 3;
    profile.last_activity_ms = activity;
    profile.snooze_until_ms =
        profile.state == store::ConversationState::kSnoozed ? kNowMs + 3'600'000 : 0;
    profile.next_message_seq = 3;
    const bool attributed = random() % 50 == 0;
    set.PutMessage({thread, 0},
                   Message(store::Direction::kInbound, store::MessageKind::kConversation,
                           activity - 600'000, question));
    set.PutMessage({thread, 1},
                   Message(store::Direction::kOutbound, store::MessageKind::kAgentReply,
                           activity - 300'000, answer));
    set.PutMessage({thread, 2},
                   Message(store::Direction::kInbound, store::MessageKind::kConversation, activity,
                           "Great, thanks!"));
    if (attributed) {
      set.PutAttribution({store::AttributionKind::kCampaign, 1 + random() % 10, {thread, 0}},
                         {activity - 600'000, 0});
    }
    set.PutProfile(thread, nullptr, profile);
    if (set.operations() >= 50'000 || i + 1 == count) {
      rocksdb::WriteBatch batch = set.Release();
      rocksdb::Status status = db.Write(options, &batch);
      if (!status.ok()) {
        return absl::InternalError(status.ToString());
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles(db.handles().begin(), db.handles().end());
  rocksdb::Status status = db.db()->Flush(rocksdb::FlushOptions(), handles);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    if (status.ok()) {
      status = db.db()->CompactRange(rocksdb::CompactRangeOptions(), handle, nullptr, nullptr);
    }
  }
  return status.ok() ? absl::OkStatus() : absl::InternalError(status.ToString());
}

}  // namespace

store::Store& Dataset() {
  static std::unique_ptr<store::Store> db = [] {
    const std::string marker = flags.store + "/populated-" + std::to_string(flags.conversations);
    const bool ready = std::filesystem::exists(marker);
    if (!ready) {
      std::filesystem::remove_all(flags.store);
    }
    store::StoreOptions options;
    options.path = flags.store;
    options.durability = store::Durability::kOs;
    options.block_cache_bytes = 256u << 20;
    const auto opening = std::chrono::steady_clock::now();
    auto opened = store::Store::Open(options);
    if (opened.ok() && ready) {
      std::fprintf(
          stderr, "opened %zu conversations in %.2f s (the inbox built from the profiles)\n",
          (*opened)->inbox_size(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - opening).count());
    }
    if (!opened.ok()) {
      std::fprintf(stderr, "cannot open %s: %s\n", flags.store.c_str(),
                   opened.status().ToString().c_str());
      std::exit(1);
    }
    if (!ready) {
      const auto started = std::chrono::steady_clock::now();
      absl::Status populated = Populate(**opened, flags.conversations);
      if (!populated.ok()) {
        std::fprintf(stderr, "populating: %s\n", populated.ToString().c_str());
        std::exit(1);
      }
      std::ofstream(marker) << flags.conversations << "\n";
      std::fprintf(
          stderr, "populated %llu conversations in %.1f s\n",
          static_cast<unsigned long long>(flags.conversations),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    return *std::move(opened);
  }();
  return *db;
}

}  // namespace confab::bench
