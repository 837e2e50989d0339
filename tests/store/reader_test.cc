// StoreReader and WriteSet on both stores: every test runs against RocksDB and the in-memory
// store, and must behave the same.

#include "store/reader.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/store/backend.h"

namespace confab::store {
namespace {

using testing::Backend;
using testing::BackendKind;

constexpr uint64_t kBrand = 15550000001;
constexpr uint64_t kNow = 1'700'000'000'000;

ProfileRecord OpenUnread(uint64_t activity_ms) {
  ProfileRecord r;
  r.consent = Consent::kSubscribed;
  r.state = ConversationState::kOpen;
  r.unread = true;
  r.last_activity_ms = activity_ms;
  return r;
}

MessageRecord Inbound(std::string text, uint64_t at_ms) {
  MessageRecord r;
  r.text = std::move(text);
  r.created_ms = r.updated_ms = at_ms;
  return r;
}

class StoreBackendTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  StoreBackendTest() : backend_(GetParam()) {}

  StoreReader Reader() const { return StoreReader(backend_.source()); }
  void Commit(WriteSet& set) { ASSERT_TRUE(backend_.Write(set).ok()); }

  // Stages a raw value, bypassing the typed encoders.
  void PutRaw(Cf cf, std::string_view key, std::string_view value) {
    WriteSet set(backend_.handles());
    set.batch().Put(backend_.handles()[static_cast<std::size_t>(cf)],
                    rocksdb::Slice(key.data(), key.size()),
                    rocksdb::Slice(value.data(), value.size()));
    Commit(set);
  }

  std::vector<ThreadId> InboxAll(ConversationState state, bool unread) {
    std::vector<ThreadId> out;
    auto page = Reader().ScanInbox(state, unread, "", 1000);
    EXPECT_TRUE(page.ok()) << page.status();
    for (const InboxKey& entry : page->entries) {
      out.push_back(entry.thread);
    }
    return out;
  }

  Backend backend_;
};

TEST_P(StoreBackendTest, VersionMovesWithEveryCommittedWriteAndOnlyThen) {
  const uint64_t start = backend_.source().Version();
  ASSERT_TRUE(Reader().GetProfile({15550100000, 15551230001}).ok());
  EXPECT_EQ(backend_.source().Version(), start);  // reads leave it
  PutRaw(Cf::kSettings, "a", "1");
  const uint64_t after_one = backend_.source().Version();
  EXPECT_GT(after_one, start);
  PutRaw(Cf::kSettings, "a", "1");  // the same value again is still a write
  EXPECT_GT(backend_.source().Version(), after_one);
}

TEST_P(StoreBackendTest, ThreadListsTheNewestFiftyNewestFirst) {
  const ThreadId thread{kBrand, 15551234567};
  WriteSet set(backend_.handles());
  ProfileRecord profile = OpenUnread(kNow);
  for (uint32_t seq = 0; seq < 60; ++seq) {
    set.PutMessage({thread, seq}, Inbound("message " + std::to_string(seq), kNow + seq));
  }
  profile.next_message_seq = 60;
  set.PutProfile(thread, nullptr, profile);
  set.PutMessage({{kBrand, 15551234568}, 0}, Inbound("another thread", kNow));
  Commit(set);

  auto listed = Reader().ListThread(thread);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), kThreadViewLimit);
  for (std::size_t i = 0; i < listed->size(); ++i) {
    const uint32_t seq = 59 - static_cast<uint32_t>(i);
    EXPECT_EQ((*listed)[i].key, (MessageKey{thread, seq}));
    EXPECT_EQ((*listed)[i].record.text, "message " + std::to_string(seq));
  }
  auto one = Reader().GetMessage({thread, 7});
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->text, "message 7");
  EXPECT_FALSE(Reader().GetMessage({thread, 60})->has_value());
  auto stored = Reader().GetProfile(thread);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, profile);
  EXPECT_FALSE(Reader().GetProfile({kBrand, 1})->has_value());
}

TEST_P(StoreBackendTest, InboxEntryMovesOnlyWhenItsPositionChanges) {
  const ThreadId thread{kBrand, 15551234567};
  ProfileRecord before = OpenUnread(kNow);
  WriteSet first(backend_.handles());
  first.PutProfile(thread, nullptr, before);
  EXPECT_EQ(first.operations(), 2u);  // record + the move into the inbox
  Commit(first);

  ProfileRecord same_second = before;
  same_second.last_activity_ms += 500;
  WriteSet burst(backend_.handles());
  burst.PutProfile(thread, &before, same_second);
  EXPECT_EQ(burst.operations(), 1u) << "same activity second: the inbox is not touched";
  Commit(burst);

  ProfileRecord later = same_second;
  later.last_activity_ms += 60'000;
  WriteSet moved(backend_.handles());
  moved.PutProfile(thread, &same_second, later);
  EXPECT_EQ(moved.operations(), 2u);  // record + the move (out of the old bucket, into the new)
  Commit(moved);
  auto page = Reader().ScanInbox(ConversationState::kOpen, true, "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].activity_s, later.last_activity_ms / 1000);

  ProfileRecord closed = later;
  closed.state = ConversationState::kClosed;
  closed.unread = false;
  WriteSet close(backend_.handles());
  close.PutProfile(thread, &later, closed);
  Commit(close);
  EXPECT_TRUE(InboxAll(ConversationState::kOpen, true).empty());
  EXPECT_EQ(InboxAll(ConversationState::kClosed, false), std::vector<ThreadId>{thread});
}

TEST_P(StoreBackendTest, InboxPagesNeverRepeatAndMissNothingUnmovedWhileItemsArrive) {
  constexpr uint64_t kCount = 100;
  std::vector<ProfileRecord> profiles;
  WriteSet set(backend_.handles());
  for (uint64_t i = 0; i < kCount; ++i) {
    profiles.push_back(OpenUnread(kNow + i * 1000));
    set.PutProfile({kBrand, 1000 + i}, nullptr, profiles.back());
  }
  Commit(set);

  std::set<uint64_t> seen;
  std::set<uint64_t> moved;
  std::string cursor;
  uint64_t clock = kNow + kCount * 1000;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = Reader().ScanInbox(ConversationState::kOpen, true, cursor, 7);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const InboxKey& entry : page->entries) {
      EXPECT_TRUE(seen.insert(entry.thread.profile).second) << "repeated " << entry.thread.profile;
    }
    // Meanwhile: a new conversation arrives, and an old one not yet listed gets a message.
    WriteSet arrivals(backend_.handles());
    clock += 1000;
    arrivals.PutProfile({kBrand, 5000 + static_cast<uint64_t>(pages)}, nullptr, OpenUnread(clock));
    const uint64_t bumped = static_cast<uint64_t>(pages) * 3 % 40;  // among the oldest
    if (seen.count(1000 + bumped) == 0 && moved.insert(1000 + bumped).second) {
      ProfileRecord next = profiles[bumped];
      next.last_activity_ms = clock;
      arrivals.PutProfile({kBrand, 1000 + bumped}, &profiles[bumped], next);
      profiles[bumped] = next;
    }
    Commit(arrivals);
    if (page->next_cursor.empty()) {
      break;
    }
    cursor = page->next_cursor;
  }
  for (uint64_t i = 0; i < kCount; ++i) {
    if (moved.count(1000 + i) == 0) {
      EXPECT_EQ(seen.count(1000 + i), 1u) << "missed " << 1000 + i;
    }
  }
}

TEST_P(StoreBackendTest, ForeignOrStaleCursorIsRefused) {
  const std::string closed_cursor = EncodeInboxKey({ConversationState::kClosed, false, 5, {1, 2}});
  EXPECT_TRUE(absl::IsInvalidArgument(
      Reader().ScanInbox(ConversationState::kOpen, true, closed_cursor, 5).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      Reader().ScanInbox(ConversationState::kOpen, true, "garbage", 5).status()));
}

TEST_P(StoreBackendTest, OutboxAndTimersComeOutInDueOrder) {
  WriteSet set(backend_.handles());
  for (uint64_t due : {300u, 100u, 200u}) {
    set.PutOutbox({kNow + due, {{kBrand, due}, 1}}, OutboxItem{0, 1, std::nullopt});
    set.PutTimer({kNow + due, TimerKind::kSnoozeWake, {kBrand, due}}, TimerRecord{due});
  }
  Commit(set);
  auto first = Reader().ScanOutbox(std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].first.due_ms, kNow + 100);
  EXPECT_EQ((*first)[1].first.due_ms, kNow + 200);
  auto rest = Reader().ScanOutbox((*first)[1].first, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].first.due_ms, kNow + 300);

  auto due = Reader().DueTimers(kNow + 200, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[1].second.payload, 200u);
  WriteSet done(backend_.handles());
  done.DeleteTimer((*due)[0].first);
  done.DeleteOutbox((*first)[0].first);
  Commit(done);
  EXPECT_EQ(Reader().DueTimers(kNow + 200, 10)->size(), 1u);
  EXPECT_EQ(Reader().ScanOutbox(std::nullopt, 10)->size(), 2u);
}

TEST_P(StoreBackendTest, AuditLinksClicksRefsAttributionAndParts) {
  const ThreadId thread{kBrand, 15551234567};
  WriteSet set(backend_.handles());
  set.AppendAudit(thread, 0,
                  {1, Consent::kNever, Consent::kSubscribed, ConsentCause::kApi, false, 0, ""});
  set.AppendAudit(
      thread, 1,
      {2, Consent::kSubscribed, Consent::kUnsubscribed, ConsentCause::kKeyword, true, 4, "STOP"});
  const LinkRecord link{"https://example.com/x", {thread, 3}, 10, 20};
  set.PutLink("Ab3dE6gH", link);
  set.AddClick("Ab3dE6gH", kNow, 1, {false, "Mozilla"});
  set.AddClick("Ab3dE6gH", kNow + 1, 2, {true, "Twitterbot"});
  set.AddClick("Ab3dE6gH", kNow + 2, 3, {false, "Safari"});
  const CarrierRef ref{{thread, 3}, 2, 3, DeliveryState::kSubmitted};
  set.PutCarrierRef(2, "carrier-id-9", ref);
  const AttributionKey attribution{AttributionKind::kCampaign, 77, {thread, 5}};
  set.PutAttribution(attribution, {kNow, 3});
  set.PutPart(thread, 513, 3, 2, {kNow, "second"});
  set.PutPart(thread, 513, 3, 1, {kNow, "first"});
  set.PutPart(thread, 514, 3, 1, {kNow, "other message"});
  Commit(set);

  auto audit = Reader().ListAudit(thread, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].to, Consent::kSubscribed);
  EXPECT_EQ((*audit)[1].raw_text, "STOP");
  EXPECT_EQ(**Reader().GetLink("Ab3dE6gH"), link);
  EXPECT_FALSE(Reader().GetLink("Zzzzzzzz")->has_value());
  EXPECT_FALSE(Reader().GetLink("short")->has_value());
  EXPECT_EQ(*Reader().GetClickCounts("Ab3dE6gH"), (ClickCounts{2, 1}));
  auto clicks = Reader().ListClicks("Ab3dE6gH", 2);
  ASSERT_TRUE(clicks.ok());
  ASSERT_EQ(clicks->size(), 2u);
  EXPECT_EQ((*clicks)[0].user_agent, "Safari");  // newest first
  EXPECT_EQ(**Reader().FindCarrierRef(2, "carrier-id-9"), ref);
  EXPECT_FALSE(Reader().FindCarrierRef(1, "carrier-id-9")->has_value());
  EXPECT_EQ((*Reader().GetAttribution(attribution))->source_message_seq, 3u);
  auto parts = Reader().ListParts(thread, 513, 3);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].first, 1);
  EXPECT_EQ((*parts)[1].second.bytes, "second");
}

TEST_P(StoreBackendTest, GarbageInTheStoreIsDataLossFromEveryReader) {
  const ThreadId thread{kBrand, 15551234567};
  PutRaw(Cf::kProfiles, ThreadKey(thread), "\x01garbage");
  PutRaw(Cf::kMessages, EncodeMessageKey({thread, 0}), "\x09");
  if (!backend_.durable()) {
    // The RocksDB store's inbox is derived from the profiles and holds well-formed keys only
    // (StoreTest.TheInboxIsRebuiltFromTheProfilesWhenTheStoreOpens).
    PutRaw(Cf::kInbox, InboxPrefix(ConversationState::kOpen, true) + "short", "");
  }
  PutRaw(Cf::kOutbox, EncodeOutboxKey({1, {thread, 0}}), "");
  PutRaw(Cf::kTimers, "bad", "");
  PutRaw(Cf::kLinks, "Ab3dE6gH", "\x01\xff");
  EXPECT_TRUE(absl::IsDataLoss(Reader().GetProfile(thread).status()));
  EXPECT_TRUE(absl::IsDataLoss(Reader().GetMessage({thread, 0}).status()));
  EXPECT_TRUE(absl::IsDataLoss(Reader().ListThread(thread).status()));
  if (!backend_.durable()) {
    EXPECT_TRUE(
        absl::IsDataLoss(Reader().ScanInbox(ConversationState::kOpen, true, "", 5).status()));
  }
  EXPECT_TRUE(absl::IsDataLoss(Reader().ScanOutbox(std::nullopt, 5).status()));
  EXPECT_TRUE(absl::IsDataLoss(Reader().DueTimers(kNow, 5).status()));
  EXPECT_TRUE(absl::IsDataLoss(Reader().GetLink("Ab3dE6gH").status()));
}

TEST_P(StoreBackendTest, ReopenKeepsEverything) {
  if (!backend_.durable()) {
    GTEST_SKIP() << "the in-memory store is not durable";
  }
  const ThreadId thread{kBrand, 15551234567};
  ProfileRecord profile = OpenUnread(kNow);
  profile.next_message_seq = 1;
  WriteSet set(backend_.handles());
  set.PutProfile(thread, nullptr, profile);
  set.PutMessage({thread, 0}, Inbound("hi", kNow));
  set.PutOutbox({kNow, {thread, 1}}, {});
  set.AddClick("Ab3dE6gH", kNow, 1, {false, "UA"});
  Commit(set);
  backend_.Reopen();
  EXPECT_EQ(**Reader().GetProfile(thread), profile);
  EXPECT_EQ((*Reader().GetMessage({thread, 0}))->text, "hi");
  EXPECT_EQ(InboxAll(ConversationState::kOpen, true), std::vector<ThreadId>{thread});
  EXPECT_EQ(Reader().ScanOutbox(std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(Reader().GetClickCounts("Ab3dE6gH")->humans, 1u);
}

TEST_P(StoreBackendTest, SettingsArePutListedDeletedAndSurviveReopen) {
  constexpr uint64_t kOther = 15550000002;
  WriteSet set(backend_.handles());
  set.PutSettings(kOther, {kNow, R"({"link_shortening":false})"});
  set.PutSettings(kBrand, {kNow + 1, R"({"quiet_hours":{"policy":"defer"}})"});
  Commit(set);
  EXPECT_EQ((*Reader().GetSettings(kBrand))->updated_ms, kNow + 1);
  EXPECT_FALSE(Reader().GetSettings(1)->has_value());
  auto all = Reader().ListSettings(10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].first, kBrand);  // NumberId order
  EXPECT_EQ((*all)[1].second.overrides, R"({"link_shortening":false})");
  EXPECT_EQ(Reader().ListSettings(1)->size(), 1u);

  WriteSet remove(backend_.handles());
  remove.DeleteSettings(kOther);
  Commit(remove);
  if (backend_.durable()) {
    backend_.Reopen();
  }
  all = Reader().ListSettings(10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].first, kBrand);

  PutRaw(Cf::kSettings, "short", "");
  EXPECT_TRUE(absl::IsDataLoss(Reader().ListSettings(10).status()));
  PutRaw(Cf::kSettings, SettingsKey(kOther), "\x01\xff");
  EXPECT_TRUE(absl::IsDataLoss(Reader().GetSettings(kOther).status()));
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreBackendTest,
                         ::testing::Values(BackendKind::kRocksDb, BackendKind::kMemory),
                         testing::BackendName);

}  // namespace
}  // namespace confab::store
