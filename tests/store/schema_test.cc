#include "store/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace confab::store {
namespace {

const ThreadId kThread{1000, 15551234567};

TEST(NumberIdTest, E164AndShortCodesRoundTripAndNeverCollide) {
  for (std::string_view number : {"+15551234567", "+447700900123", "12345", "0123", "123",
                                  "+999999999999999", "999999999999999"}) {
    absl::StatusOr<uint64_t> id = NumberId(number);
    ASSERT_TRUE(id.ok()) << number << ": " << id.status();
    EXPECT_EQ(NumberText(*id), number);
  }
  EXPECT_NE(*NumberId("0123"), *NumberId("123"));
  EXPECT_NE(*NumberId("+12345"), *NumberId("12345"));
}

TEST(NumberIdTest, RejectsWhatIsNotANumber) {
  for (std::string_view bad : {"", "+", "+0123", "12a4", "+1234567890123456", "1 23", "+-1"}) {
    EXPECT_FALSE(NumberId(bad).ok()) << bad;
  }
}

TEST(SchemaTest, MessageKeysSortNewestFirstWithinAThreadAndThreadsStayApart) {
  std::vector<std::string> keys;
  for (uint32_t seq : {0u, 1u, 2u, 255u, 256u, 70000u}) {
    keys.push_back(EncodeMessageKey({kThread, seq}));
  }
  for (std::size_t i = 1; i < keys.size(); ++i) {
    EXPECT_LT(keys[i], keys[i - 1]) << "seq order " << i;
  }
  const std::string other = EncodeMessageKey({{kThread.brand, kThread.profile + 1}, 0});
  const std::string prefix = ThreadKey(kThread);
  EXPECT_NE(other.substr(0, prefix.size()), prefix);
  for (const std::string& key : keys) {
    EXPECT_EQ(key.size(), kMessageKeySize);
    EXPECT_EQ(key.substr(0, prefix.size()), prefix);
    ASSERT_TRUE(DecodeMessageKey(key).has_value());
  }
  EXPECT_EQ(DecodeMessageKey(keys[3])->seq, 255u);
}

TEST(SchemaTest, InboxKeysGroupByStateAndUnreadThenNewestActivityFirst) {
  std::vector<InboxKey> entries;
  for (auto state :
       {ConversationState::kOpen, ConversationState::kSnoozed, ConversationState::kClosed}) {
    for (bool unread : {false, true}) {
      for (uint32_t at : {100u, 5000u, 70000u, 4000000000u}) {
        entries.push_back({state, unread, at, kThread});
      }
    }
  }
  std::vector<std::string> encoded;
  for (const InboxKey& entry : entries) {
    encoded.push_back(EncodeInboxKey(entry));
    EXPECT_EQ(encoded.back().size(), kInboxKeySize);
    EXPECT_EQ(DecodeInboxKey(encoded.back()), entry);
  }
  std::sort(encoded.begin(), encoded.end());
  for (std::size_t i = 1; i < encoded.size(); ++i) {
    const InboxKey a = *DecodeInboxKey(encoded[i - 1]);
    const InboxKey b = *DecodeInboxKey(encoded[i]);
    if (a.state == b.state && a.unread == b.unread) {
      EXPECT_GT(a.activity_s, b.activity_s);
    }
    const std::string prefix = InboxPrefix(b.state, b.unread);
    EXPECT_EQ(encoded[i].substr(0, prefix.size()), prefix);
  }
}

TEST(SchemaTest, OutboxAndTimerKeysSortByDueTime) {
  const std::string early = EncodeOutboxKey({1000, {{9, 9}, 9}});
  const std::string late = EncodeOutboxKey({1001, {{0, 0}, 0}});
  EXPECT_LT(early, late);
  EXPECT_EQ(DecodeOutboxKey(early), (OutboxKey{1000, {{9, 9}, 9}}));
  const TimerKey timer{1 << 20, TimerKind::kDeferredSend, kThread};
  EXPECT_LT(EncodeTimerKey({5, TimerKind::kReassemblyTimeout, {9, 9}}), EncodeTimerKey(timer));
  EXPECT_EQ(DecodeTimerKey(EncodeTimerKey(timer)), timer);
  const AttributionKey attribution{AttributionKind::kFlow, 77, {kThread, 3}};
  EXPECT_EQ(DecodeAttributionKey(EncodeAttributionKey(attribution)), attribution);
}

TEST(SchemaTest, KeyDecodersRejectWrongSizesAndFields) {
  const std::string inbox = EncodeInboxKey({ConversationState::kOpen, true, 5, kThread});
  EXPECT_FALSE(DecodeInboxKey(inbox.substr(1)).has_value());
  EXPECT_FALSE(DecodeInboxKey(inbox + "x").has_value());
  std::string bad_state = inbox;
  bad_state[0] = 7;
  EXPECT_FALSE(DecodeInboxKey(bad_state).has_value());
  EXPECT_FALSE(DecodeMessageKey("short").has_value());
  std::string bad_kind = EncodeTimerKey({1, TimerKind::kSnoozeWake, kThread});
  bad_kind[8] = 0;
  EXPECT_FALSE(DecodeTimerKey(bad_kind).has_value());
  EXPECT_FALSE(DecodeOutboxKey("").has_value());
  EXPECT_FALSE(DecodeAttributionKey(std::string(kAttributionKeySize, '\0')).has_value());
  EXPECT_FALSE(DecodeThreadKey("0123456789abcde").has_value());
}

}  // namespace
}  // namespace confab::store
