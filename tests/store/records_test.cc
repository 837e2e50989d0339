#include "store/records.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "store/merge.h"

namespace confab::store {
namespace {

ProfileRecord FullProfile() {
  ProfileRecord r;
  r.consent = Consent::kUnsubscribed;
  r.blocked = true;
  r.state = ConversationState::kSnoozed;
  r.unread = true;
  r.last_activity_ms = 1'700'000'000'123;
  r.snooze_until_ms = 1'700'000'999'000;
  r.last_auto_response_ms = 1'699'999'000'000;
  r.next_message_seq = 70000;
  r.next_audit_seq = 3;
  r.candidate_kind = AttributionKind::kFlow;
  r.candidate_id = 42;
  r.candidate_sent_ms = 1'699'000'000'000;
  r.candidate_message_seq = 69990;
  r.time_zone = "America/New_York";
  r.dedup = {{0xFFFFFFFFFFFFFFFF, 1}, {7, 1'700'000'000'000}};
  return r;
}

MessageRecord FullMessage() {
  MessageRecord r;
  r.direction = Direction::kOutbound;
  r.kind = MessageKind::kCampaign;
  r.encoding = TextEncoding::kUcs2;
  r.segments = 3;
  r.delivery = DeliveryState::kUndelivered;
  r.incomplete = true;
  r.created_ms = 1'700'000'000'000;
  r.updated_ms = 1'700'000'005'000;
  r.attribution_kind = AttributionKind::kCampaign;
  r.attribution_id = 9;
  r.carrier_message_id = "abc-123";
  r.text = "Salut ARRÊT 🛑";
  r.rule_id = 4;
  r.language = "fr";
  r.span_begin = 6;
  r.span_length = 6;
  r.table_version = 2;
  r.parts_final = 2;
  r.delivery_error = "0x0a1";
  return r;
}

// Every strict prefix of a valid encoding, and the encoding with a byte appended, is DataLoss.
template <typename Decoder>
void ExpectTruncationsRejected(const std::string& encoded, Decoder decode) {
  for (std::size_t length = 0; length < encoded.size(); ++length) {
    auto decoded = decode(std::string_view(encoded).substr(0, length));
    EXPECT_TRUE(absl::IsDataLoss(decoded.status())) << "prefix of length " << length;
  }
  EXPECT_TRUE(absl::IsDataLoss(decode(encoded + '\0').status())) << "trailing byte";
  std::string other_version = encoded;
  other_version[0] = 2;
  EXPECT_TRUE(absl::IsDataLoss(decode(other_version).status())) << "unknown version";
}

TEST(RecordsTest, ProfileRoundTripsAndRejectsGarbage) {
  for (const ProfileRecord& r : {ProfileRecord{}, FullProfile()}) {
    const std::string encoded = Encode(r);
    EXPECT_EQ(encoded[0], kRecordVersion);
    absl::StatusOr<ProfileRecord> decoded = DecodeProfile(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, r);
    ExpectTruncationsRejected(encoded, DecodeProfile);
  }
  std::string bad_flags = Encode(FullProfile());
  bad_flags[1] = static_cast<char>(0x83);  // consent 3 does not exist
  EXPECT_TRUE(absl::IsDataLoss(DecodeProfile(bad_flags).status()));
}

TEST(RecordsTest, TypicalProfileIsSmall) {
  ProfileRecord r;
  r.consent = Consent::kSubscribed;
  r.state = ConversationState::kOpen;
  r.unread = true;
  r.last_activity_ms = 1'700'000'000'123;
  r.next_message_seq = 12;
  r.RememberInbound(0x123456789ABCDEF0, r.last_activity_ms, 600'000);
  EXPECT_LE(Encode(r).size(), 40u);
}

TEST(RecordsTest, MessageRoundTripsAndRejectsGarbage) {
  MessageRecord inbound;
  inbound.text = "hello";
  inbound.created_ms = inbound.updated_ms = 5;
  for (const MessageRecord& r : {MessageRecord{}, inbound, FullMessage()}) {
    const std::string encoded = Encode(r);
    absl::StatusOr<MessageRecord> decoded = DecodeMessage(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, r);
    ExpectTruncationsRejected(encoded, DecodeMessage);
  }
  std::string bad_kind = Encode(FullMessage());
  bad_kind[2] = 99;
  EXPECT_TRUE(absl::IsDataLoss(DecodeMessage(bad_kind).status()));
}

TEST(RecordsTest, MessageReceiptBlockIsOptionalAndChecked) {
  MessageRecord outbound;
  outbound.direction = Direction::kOutbound;
  outbound.delivery = DeliveryState::kSubmitted;
  outbound.segments = 3;
  const std::string without = Encode(outbound);
  EXPECT_EQ(static_cast<uint8_t>(without[6]) & 8, 0) << "no receipt block while nothing is set";

  // Every new state, and the block in either half, round-trips.
  for (DeliveryState state : {DeliveryState::kExpired, DeliveryState::kRejected,
                              DeliveryState::kUnknown, DeliveryState::kDelivered}) {
    MessageRecord r = outbound;
    r.delivery = state;
    r.parts_final = 1;
    EXPECT_EQ(*DecodeMessage(Encode(r)), r);
    r.parts_final = 0;
    r.delivery_error = "5";
    EXPECT_EQ(*DecodeMessage(Encode(r)), r);
  }
  MessageRecord with = outbound;
  with.parts_final = 3;
  with.delivery_error = "a long error text beyond sixteen";
  const std::string encoded = Encode(with);
  EXPECT_EQ(encoded.size(), without.size() + 1 + 1 + 16) << "error clamped to 16 characters";
  with.delivery_error.resize(16);
  EXPECT_EQ(*DecodeMessage(encoded), with);
  ExpectTruncationsRejected(encoded, DecodeMessage);

  // The flag with an empty block, an unknown flag bit and a state past kUnknown are DataLoss.
  std::string empty_block = without;
  empty_block[6] = static_cast<char>(empty_block[6] | 8);
  empty_block.append("\x00\x00", 2);
  EXPECT_TRUE(absl::IsDataLoss(DecodeMessage(empty_block).status()));
  std::string bad_flag = without;
  bad_flag[6] = static_cast<char>(bad_flag[6] | 16);
  EXPECT_TRUE(absl::IsDataLoss(DecodeMessage(bad_flag).status()));
  std::string bad_state = without;
  bad_state[5] = static_cast<char>(DeliveryState::kUnknown) + 1;
  EXPECT_TRUE(absl::IsDataLoss(DecodeMessage(bad_state).status()));
}

TEST(RecordsTest, CarrierRefRoundTripsAndRejectsImpossibleParts) {
  const CarrierRef single{{{11, 12}, 13}};
  const CarrierRef part{{{1, 2}, 0xFFFFFFFF}, 3, 3, DeliveryState::kRejected};
  for (const CarrierRef& ref : {single, part}) {
    const std::string encoded = Encode(ref);
    EXPECT_EQ(encoded.size(), 1u + kMessageKeySize + 3);
    EXPECT_EQ(*DecodeCarrierRef(encoded), ref);
    ExpectTruncationsRejected(encoded, DecodeCarrierRef);
  }
  const auto with = [&](std::size_t offset, uint8_t byte) {
    std::string encoded = Encode(part);
    encoded[offset] = static_cast<char>(byte);
    return DecodeCarrierRef(encoded).status();
  };
  constexpr std::size_t kPart = 1 + kMessageKeySize;
  EXPECT_TRUE(absl::IsDataLoss(with(kPart, 0))) << "part 0";
  EXPECT_TRUE(absl::IsDataLoss(with(kPart, 4))) << "part 4 of 3";
  EXPECT_TRUE(absl::IsDataLoss(with(kPart + 1, 0))) << "0 parts";
  EXPECT_TRUE(absl::IsDataLoss(with(kPart + 2, static_cast<uint8_t>(DeliveryState::kQueued))));
  EXPECT_TRUE(absl::IsDataLoss(with(kPart + 2, static_cast<uint8_t>(DeliveryState::kUnknown) + 1)));
  EXPECT_TRUE(with(kPart + 2, static_cast<uint8_t>(DeliveryState::kDelivered)).ok());
}

TEST(RecordsTest, SmallRecordsRoundTripAndRejectGarbage) {
  const AuditRecord audit{
      7,  Consent::kSubscribed, Consent::kUnsubscribed, ConsentCause::kKeyword, true,
      12, "Stop texting me"};
  ASSERT_TRUE(DecodeAudit(Encode(audit)).ok());
  EXPECT_EQ(*DecodeAudit(Encode(audit)), audit);
  ExpectTruncationsRejected(Encode(audit), DecodeAudit);

  const OutboxItem outbox{3, 2, std::nullopt};
  EXPECT_EQ(*DecodeOutbox(Encode(outbox)), outbox);
  ExpectTruncationsRejected(Encode(outbox), DecodeOutbox);
  const OutboxItem reply{0, 1, FullMessage()};
  EXPECT_EQ(*DecodeOutbox(Encode(reply)), reply);
  for (std::size_t length = 1; length < Encode(reply).size(); ++length) {
    EXPECT_TRUE(absl::IsDataLoss(DecodeOutbox(Encode(reply).substr(0, length)).status()) ||
                DecodeOutbox(Encode(reply).substr(0, length))->message == std::nullopt)
        << length;
  }

  const TimerRecord timer{1'700'000'000'000};
  EXPECT_EQ(*DecodeTimer(Encode(timer)), timer);
  ExpectTruncationsRejected(Encode(timer), DecodeTimer);

  const AttributionRecord attribution{9, 8};
  EXPECT_EQ(*DecodeAttribution(Encode(attribution)), attribution);
  ExpectTruncationsRejected(Encode(attribution), DecodeAttribution);

  const LinkRecord link{"https://example.com/a?b=c", {{1, 2}, 3}, 10, 20};
  EXPECT_EQ(*DecodeLink(Encode(link)), link);
  ExpectTruncationsRejected(Encode(link), DecodeLink);

  const ClickRecord click{true, "facebookexternalhit/1.1"};
  EXPECT_EQ(*DecodeClick(Encode(click)), click);
  ExpectTruncationsRejected(Encode(click), DecodeClick);

  const PartRecord part{4, std::string("\x00\x01part", 6)};
  EXPECT_EQ(*DecodePart(Encode(part)), part);
  ExpectTruncationsRejected(Encode(part), DecodePart);

  const ClickCounts counts{5, 6};
  EXPECT_EQ(*DecodeClickCounts(Encode(counts)), counts);
  ExpectTruncationsRejected(Encode(counts), DecodeClickCounts);
}

TEST(RecordsTest, SettingsRoundTripAndRejectGarbage) {
  const SettingsRecord settings{1'700'000'000'000, R"({"link_shortening":false})"};
  ASSERT_TRUE(DecodeSettings(Encode(settings)).ok());
  EXPECT_EQ(*DecodeSettings(Encode(settings)), settings);
  ExpectTruncationsRejected(Encode(settings), DecodeSettings);
  // A writer clamps to the limit, so what it writes reads back.
  const SettingsRecord huge{1, std::string(kMaxSettingsOverrides + 10, 'x')};
  auto decoded = DecodeSettings(Encode(huge));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->overrides.size(), kMaxSettingsOverrides);
}

TEST(RecordsTest, RandomBytesNeverCrashADecoder) {
  std::mt19937 random(1234);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(random() % 48, '\0');
    for (char& c : bytes) {
      c = static_cast<char>(random());
    }
    if (!bytes.empty() && i % 2 == 0) {
      bytes[0] = static_cast<char>(kRecordVersion);  // get past the version check
    }
    (void)DecodeProfile(bytes);
    (void)DecodeMessage(bytes);
    (void)DecodeAudit(bytes);
    (void)DecodeLink(bytes);
    (void)DecodeClick(bytes);
    (void)DecodePart(bytes);
    (void)DecodeCarrierRef(bytes);
    (void)DecodeSettings(bytes);
    absl::StatusOr<ProfileRecord> profile = DecodeProfile(bytes);
    if (profile.ok()) {
      // Whatever decodes is a well-formed record: it re-encodes to something that decodes equal.
      EXPECT_EQ(*DecodeProfile(Encode(*profile)), *profile);
    }
    absl::StatusOr<MessageRecord> message = DecodeMessage(bytes);
    if (message.ok()) {
      EXPECT_EQ(*DecodeMessage(Encode(*message)), *message);
    }
    absl::StatusOr<CarrierRef> ref = DecodeCarrierRef(bytes);
    if (ref.ok()) {
      EXPECT_EQ(Encode(*ref), bytes);  // fixed layout: the only encoding of that value
    }
  }
}

TEST(RecordsTest, OverlongVarintIsRejected) {
  std::string bytes(1, static_cast<char>(kRecordVersion));
  bytes.append(11, static_cast<char>(0xFF));
  EXPECT_TRUE(absl::IsDataLoss(DecodeTimer(bytes).status()));
}

TEST(DedupTest, RemembersWithinTheTtlAndForgetsAfter) {
  constexpr uint64_t kTtl = 600'000;
  ProfileRecord r;
  r.RememberInbound(111, 1'000'000, kTtl);
  EXPECT_TRUE(r.SeenInbound(111, 1'000'000, kTtl));
  EXPECT_TRUE(r.SeenInbound(111, 1'000'000 + kTtl - 1, kTtl));
  EXPECT_FALSE(r.SeenInbound(111, 1'000'000 + kTtl, kTtl)) << "expired";
  EXPECT_FALSE(r.SeenInbound(222, 1'000'000, kTtl));
  // An expired entry is dropped when the next one is remembered.
  r.RememberInbound(222, 1'000'000 + kTtl, kTtl);
  ASSERT_EQ(r.dedup.size(), 1u);
  EXPECT_EQ(r.dedup[0].hash, 222u);
}

TEST(DedupTest, KeepsTheNewestSlotsAndSurvivesEncoding) {
  constexpr uint64_t kTtl = 600'000;
  ProfileRecord r;
  for (uint64_t i = 1; i <= kDedupSlots + 2; ++i) {
    r.RememberInbound(i, 1000 + i, kTtl);
  }
  EXPECT_EQ(r.dedup.size(), kDedupSlots);
  EXPECT_FALSE(r.SeenInbound(1, 2000, kTtl));
  EXPECT_FALSE(r.SeenInbound(2, 2000, kTtl));
  const ProfileRecord decoded = *DecodeProfile(Encode(r));
  for (uint64_t i = 3; i <= kDedupSlots + 2; ++i) {
    EXPECT_TRUE(decoded.SeenInbound(i, 2000, kTtl)) << i;
  }
}

TEST(MergeTest, ClickCountsAddAndRejectGarbage) {
  auto once = AddClickCounts(std::nullopt, Encode(ClickCounts{1, 0}));
  ASSERT_TRUE(once.has_value());
  auto twice = AddClickCounts(*once, Encode(ClickCounts{0, 1}));
  ASSERT_TRUE(twice.has_value());
  EXPECT_EQ(*DecodeClickCounts(*twice), (ClickCounts{1, 1}));
  EXPECT_FALSE(AddClickCounts(std::nullopt, "garbage").has_value());
  EXPECT_FALSE(AddClickCounts(std::string_view("bad"), Encode(ClickCounts{1, 0})).has_value());
}

}  // namespace
}  // namespace confab::store
