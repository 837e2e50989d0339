// The inbound pipeline end to end over the in-memory store: what each kind of MO leaves in the
// store (product §2–§5), duplicates, long messages, failures and backpressure.

#include <mutex>

#include "gmock/gmock.h"
#include "tests/daemon/pipeline_fixture.h"

namespace confab::pipeline::testing {
namespace {

using smpp::CommandStatus;
using store::ConversationState;
using store::MessageKind;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kAlice[] = "+15551230001";
constexpr char kBob[] = "+15551230002";

using PipelineTest = PipelineFixture;

TEST_F(PipelineTest, ConversationMessageOpensUnreadConversationAndAutoResponds) {
  ASSERT_EQ(Send(TextMo(kAlice, "Do you have this in blue?")), CommandStatus::kOk);

  const auto messages = Messages(kAlice);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].record.kind, MessageKind::kConversation);
  EXPECT_EQ(messages[0].record.direction, store::Direction::kInbound);
  EXPECT_EQ(messages[0].record.text, "Do you have this in blue?");
  EXPECT_EQ(messages[0].record.created_ms, kStartMs);

  const auto profile = Profile(kAlice);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->state, ConversationState::kOpen);
  EXPECT_TRUE(profile->unread);
  EXPECT_EQ(profile->consent, store::Consent::kNever);
  auto inbox = store::StoreReader(store_).ScanInbox(ConversationState::kOpen, true, "", 10);
  ASSERT_TRUE(inbox.ok());
  ASSERT_THAT(inbox->entries, SizeIs(1));
  EXPECT_EQ(inbox->entries[0].thread, Thread(kAlice));
  EXPECT_EQ(pipeline_->UnreadConversations(), 1);

  const auto replies = Replies(kAlice);
  ASSERT_THAT(replies, SizeIs(1));
  EXPECT_EQ(replies[0].kind, MessageKind::kAutoResponse);
  EXPECT_EQ(replies[0].direction, store::Direction::kOutbound);
  EXPECT_EQ(replies[0].delivery, store::DeliveryState::kQueued);
  EXPECT_THAT(replies[0].text, HasSubstr("Acme"));
  EXPECT_EQ(replies[0].text.find("{{"), std::string::npos);  // the template is filled
}

TEST_F(PipelineTest, OptOutChangesConsentOnceAndConfirmsOnce) {
  ASSERT_EQ(Send(TextMo(kAlice, "Stop")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kAlice, "STOP ALL")), CommandStatus::kOk);  // already unsubscribed

  const auto profile = Profile(kAlice);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->consent, store::Consent::kUnsubscribed);
  EXPECT_EQ(profile->state, ConversationState::kNone);  // keywords never start a conversation
  const auto messages = Messages(kAlice);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].record.kind, MessageKind::kKeyword);
  EXPECT_EQ(messages[1].record.rule_id, 1u);  // whole message
  EXPECT_EQ(messages[1].record.language, "en");
  EXPECT_EQ(messages[1].record.span_length, 4u);

  const auto replies = Replies(kAlice);
  ASSERT_THAT(replies, SizeIs(1));
  EXPECT_EQ(replies[0].kind, MessageKind::kKeywordReply);
  EXPECT_EQ(replies[0].text, "Acme: You are unsubscribed and will receive no more messages.");

  auto audit = store::StoreReader(store_).ListAudit(Thread(kAlice), 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_THAT(*audit, SizeIs(1));
  EXPECT_EQ((*audit)[0].from, store::Consent::kNever);
  EXPECT_EQ((*audit)[0].to, store::Consent::kUnsubscribed);
  EXPECT_EQ((*audit)[0].cause, store::ConsentCause::kKeyword);
  EXPECT_EQ((*audit)[0].raw_text, "Stop");
  EXPECT_TRUE((*audit)[0].has_message);
  EXPECT_EQ((*audit)[0].message_seq, messages[1].key.seq);
}

TEST_F(PipelineTest, SpanishOptOutRepliesInSpanishAndOptInResubscribes) {
  ASSERT_EQ(Send(TextMo(kAlice, "parar")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kAlice, "START")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kAlice, "start")), CommandStatus::kOk);  // confirmed again, no audit

  EXPECT_EQ(Profile(kAlice)->consent, store::Consent::kSubscribed);
  const auto replies = Replies(kAlice);
  ASSERT_THAT(replies, SizeIs(3));
  EXPECT_THAT(replies[0].text, HasSubstr("Te has dado de baja"));
  EXPECT_THAT(replies[1].text, HasSubstr("Reply STOP to opt out"));
  EXPECT_THAT(replies[2].text, HasSubstr("Reply STOP to opt out"));
  auto audit = store::StoreReader(store_).ListAudit(Thread(kAlice), 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_THAT(*audit, SizeIs(2));
}

TEST_F(PipelineTest, HelpAnswersWithoutChangingConsent) {
  ASSERT_EQ(Send(TextMo(kAlice, "help")), CommandStatus::kOk);
  EXPECT_EQ(Profile(kAlice)->consent, store::Consent::kNever);
  const auto replies = Replies(kAlice);
  ASSERT_THAT(replies, SizeIs(1));
  EXPECT_THAT(replies[0].text, HasSubstr("help@acme.example"));
  EXPECT_THAT(replies[0].text, HasSubstr("Msg & data rates may apply"));
}

TEST_F(PipelineTest, ContainsRuleOptsOutOfAShortSentenceButNotOfStopped) {
  ASSERT_EQ(Send(TextMo(kAlice, "Stop texting me please")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kBob, "My order STOPPED moving")), CommandStatus::kOk);
  EXPECT_EQ(Profile(kAlice)->consent, store::Consent::kUnsubscribed);
  EXPECT_EQ(Messages(kAlice)[0].record.rule_id, 2u);  // contains
  EXPECT_EQ(Profile(kBob)->consent, store::Consent::kNever);
  EXPECT_EQ(Messages(kBob)[0].record.kind, MessageKind::kConversation);
}

TEST_F(PipelineTest, AutoResponderLoopGuardAllowsOnePerInterval) {
  ASSERT_EQ(Send(TextMo(kAlice, "hello")), CommandStatus::kOk);
  now_ms_ += 5 * 60'000;
  ASSERT_EQ(Send(TextMo(kAlice, "anyone there?")), CommandStatus::kOk);
  EXPECT_THAT(Replies(kAlice), SizeIs(1));
  now_ms_ += 6 * 60'000;  // 11 minutes after the first
  ASSERT_EQ(Send(TextMo(kAlice, "hello again")), CommandStatus::kOk);
  EXPECT_THAT(Replies(kAlice), SizeIs(2));
  // The replies wait in the outbox (they enter the thread when sent): the thread has 3 inbound.
  EXPECT_THAT(Messages(kAlice), SizeIs(3));
}

TEST_F(PipelineTest, RetransmittedMessageIsAcknowledgedButProcessedOnce) {
  const Mo mo = TextMo(kAlice, "HELP");
  ASSERT_EQ(Offer(mo.Pdu(1)).get(), CommandStatus::kOk);
  ASSERT_EQ(Offer(mo.Pdu(2)).get(), CommandStatus::kOk);  // after the first ack
  // Both copies in flight at once.
  const Mo other = TextMo(kBob, "is the shop open today?");
  auto first = Offer(other.Pdu(3));
  auto second = Offer(other.Pdu(4));
  EXPECT_EQ(first.get(), CommandStatus::kOk);
  EXPECT_EQ(second.get(), CommandStatus::kOk);

  EXPECT_THAT(Messages(kAlice), SizeIs(1));  // HELP (its reply waits in the outbox)
  EXPECT_THAT(Replies(kAlice), SizeIs(1));
  EXPECT_THAT(Replies(kBob), SizeIs(1));
  int inbound = 0;
  for (const auto& message : Messages(kBob)) {
    inbound += message.record.direction == store::Direction::kInbound;
  }
  EXPECT_EQ(inbound, 1);
}

TEST_F(PipelineTest, SameTextAfterTheDedupWindowIsANewMessage) {
  ASSERT_EQ(Send(TextMo(kAlice, "ok")), CommandStatus::kOk);
  now_ms_ += 11 * 60'000;  // the window is 10 minutes here
  ASSERT_EQ(Send(TextMo(kAlice, "ok")), CommandStatus::kOk);
  int inbound = 0;
  for (const auto& message : Messages(kAlice)) {
    inbound += message.record.direction == store::Direction::kInbound;
  }
  EXPECT_EQ(inbound, 2);
}

TEST_F(PipelineTest, LongMessageOutOfOrderWithARepeatedPartIsOneMessage) {
  const std::string a(153, 'a'), b(153, 'b'), c = "the end";
  ASSERT_EQ(Send(PartMo(kAlice, 7, 3, 3, c)), CommandStatus::kOk);
  ASSERT_EQ(Send(PartMo(kAlice, 7, 3, 1, a)), CommandStatus::kOk);
  ASSERT_EQ(Send(PartMo(kAlice, 7, 3, 3, c)), CommandStatus::kOk);
  EXPECT_THAT(Messages(kAlice), SizeIs(0));  // waiting for part 2
  ASSERT_EQ(Send(PartMo(kAlice, 7, 3, 2, b)), CommandStatus::kOk);
  ASSERT_EQ(Send(PartMo(kAlice, 7, 3, 1, a)), CommandStatus::kOk);  // after completion

  const auto messages = Messages(kAlice);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].record.text, a + b + c);
  EXPECT_EQ(messages[0].record.segments, 3);
  EXPECT_FALSE(messages[0].record.incomplete);
  EXPECT_THAT(Replies(kAlice), SizeIs(1));
  auto parts = store::StoreReader(store_).ListParts(Thread(kAlice), 7, 3);
  ASSERT_TRUE(parts.ok());
  EXPECT_THAT(*parts, SizeIs(0));  // deleted with the message
}

TEST_F(PipelineTest, LongMessageMissingAPartIsDeliveredIncompleteAfterTheTimeout) {
  ASSERT_EQ(Send(PartMo(kAlice, 9, 3, 1, "first ")), CommandStatus::kOk);
  ASSERT_EQ(Send(PartMo(kAlice, 9, 3, 3, "third")), CommandStatus::kOk);
  ASSERT_TRUE(RunTimers().ok());
  EXPECT_THAT(Messages(kAlice), SizeIs(0));  // not yet timed out
  now_ms_ += 61'000;
  ASSERT_TRUE(RunTimers().ok());
  const auto messages = Messages(kAlice);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].record.text, "first third");
  EXPECT_TRUE(messages[0].record.incomplete);
  // The missing part arriving late is a duplicate of the delivered message.
  ASSERT_EQ(Send(PartMo(kAlice, 9, 3, 2, "second ")), CommandStatus::kOk);
  EXPECT_THAT(Messages(kAlice), SizeIs(1));
}

TEST_F(PipelineTest, BlockedProfileIsStoredButNotReopenedOrAnswered) {
  ASSERT_TRUE(
      Mutate(Thread(kAlice), [](std::optional<store::ProfileRecord>& profile, store::WriteSet&) {
        profile.emplace();
        profile->blocked = true;
        profile->state = ConversationState::kClosed;
        return absl::OkStatus();
      }).ok());
  ASSERT_EQ(Send(TextMo(kAlice, "why did you block me")), CommandStatus::kOk);
  EXPECT_EQ(Profile(kAlice)->state, ConversationState::kClosed);
  EXPECT_FALSE(Profile(kAlice)->unread);
  EXPECT_THAT(Replies(kAlice), SizeIs(0));
  EXPECT_THAT(Messages(kAlice), SizeIs(1));
  // Opt-out is still honoured, and confirmed.
  ASSERT_EQ(Send(TextMo(kAlice, "STOP")), CommandStatus::kOk);
  EXPECT_EQ(Profile(kAlice)->consent, store::Consent::kUnsubscribed);
  EXPECT_THAT(Replies(kAlice), SizeIs(1));
}

TEST_F(PipelineTest, FirstInboundWithinTheWindowIsAttributedToTheCampaign) {
  auto candidate = [this](uint64_t sent_ms) {
    return [sent_ms](std::optional<store::ProfileRecord>& profile, store::WriteSet&) {
      if (!profile) {
        profile.emplace();
      }
      profile->consent = store::Consent::kSubscribed;
      profile->candidate_kind = store::AttributionKind::kCampaign;
      profile->candidate_id = 77;
      profile->candidate_sent_ms = sent_ms;
      profile->candidate_message_seq = profile->next_message_seq++;
      return absl::OkStatus();
    };
  };
  ASSERT_TRUE(Mutate(Thread(kAlice), candidate(kStartMs - 3'600'000)).ok());
  ASSERT_EQ(Send(TextMo(kAlice, "is the sale still on?")), CommandStatus::kOk);
  ASSERT_EQ(Send(TextMo(kAlice, "and shoes?")), CommandStatus::kOk);
  const auto messages = Messages(kAlice);  // newest first
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].record.attribution_kind, store::AttributionKind::kCampaign);
  EXPECT_EQ(messages[1].record.attribution_id, 77u);
  EXPECT_EQ(messages[0].record.attribution_kind, store::AttributionKind::kNone);
  auto record = store::StoreReader(store_).GetAttribution(
      {store::AttributionKind::kCampaign, 77, messages[1].key});
  ASSERT_TRUE(record.ok());
  ASSERT_TRUE(*record);
  EXPECT_EQ((*record)->at_ms, kStartMs);

  // Outside the 24 h window: not attributed.
  ASSERT_TRUE(Mutate(Thread(kBob), candidate(kStartMs - 25 * 3'600'000ull)).ok());
  ASSERT_EQ(Send(TextMo(kBob, "hi")), CommandStatus::kOk);
  EXPECT_EQ(Messages(kBob).back().record.attribution_kind, store::AttributionKind::kNone);
}

TEST_F(PipelineTest, StoreFailureAnswersATemporaryErrorAndWritesNothing) {
  fail_writes_ = true;
  EXPECT_EQ(Send(TextMo(kAlice, "HELP")), CommandStatus::kXTAppn);
  EXPECT_EQ(Send(TextMo(kAlice, "HELP")), CommandStatus::kXTAppn);  // the retransmission too
  EXPECT_FALSE(Profile(kAlice));
  EXPECT_EQ(store_.Size(store::Cf::kMessages), 0u);
  EXPECT_EQ(store_.Size(store::Cf::kOutbox), 0u);

  fail_writes_ = false;  // the carrier retransmits once the store is back
  EXPECT_EQ(Send(TextMo(kAlice, "HELP")), CommandStatus::kOk);
  EXPECT_THAT(Messages(kAlice), SizeIs(1));
  EXPECT_THAT(Replies(kAlice), SizeIs(1));
}

TEST_F(PipelineTest, RefusesWhatIsNotForUsWithTheRightStatus) {
  Mo unknown = TextMo(kAlice, "hi");
  unknown.destination = "15559999999";
  EXPECT_EQ(Send(unknown), CommandStatus::kInvDstAdr);
  Mo alphanumeric = TextMo(kAlice, "hi");
  alphanumeric.source = "ACME";
  alphanumeric.source_ton = 5;
  EXPECT_EQ(Send(alphanumeric), CommandStatus::kInvSrcAdr);
  EXPECT_EQ(store_.Size(store::Cf::kMessages), 0u);
}

TEST_F(PipelineTest, NationalSourceNumberIsStoredAsE164) {
  Mo mo = TextMo(kAlice, "hi");
  mo.source = "5551230001";
  mo.source_ton = 2;
  ASSERT_EQ(Send(mo), CommandStatus::kOk);
  EXPECT_THAT(Messages(kAlice), SizeIs(1));  // +15551230001's thread
}

TEST_F(PipelineTest, SnoozeTimerReopensTheConversationAfterARestart) {
  ASSERT_EQ(Send(TextMo(kAlice, "call me tomorrow")), CommandStatus::kOk);
  const uint64_t wake = kStartMs + 3 * 3'600'000ull;
  ASSERT_TRUE(Mutate(Thread(kAlice), [wake, this](std::optional<store::ProfileRecord>& profile,
                                                  store::WriteSet& writes) {
                profile->state = ConversationState::kSnoozed;
                profile->snooze_until_ms = wake;
                writes.PutTimer({wake, store::TimerKind::kSnoozeWake, Thread(kAlice)}, {wake});
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(Profile(kAlice)->state, ConversationState::kSnoozed);

  StopPipeline();  // a restart: only the store survives
  now_ms_ = wake + 1;
  StartPipeline();
  ASSERT_TRUE(RunTimers().ok());
  EXPECT_EQ(Profile(kAlice)->state, ConversationState::kOpen);
  EXPECT_EQ(store_.Size(store::Cf::kTimers), 0u);
}

class PipelineBackpressureTest : public PipelineFixture {
 protected:
  void SetUp() override {
    queue_capacity_ = 1;
    start_ = false;  // nothing decides: the queue stays full
    StartPipeline();
  }
};

TEST_F(PipelineBackpressureTest, FullQueueThrottlesAndStopAnswersWhatWaited) {
  auto waiting = Offer(TextMo(kAlice, "one").Pdu());
  EXPECT_EQ(Offer(TextMo(kAlice, "two").Pdu()).get(), CommandStatus::kThrottled);
  pipeline_->Stop();
  EXPECT_EQ(waiting.get(), CommandStatus::kXTAppn);  // temporary: the carrier retransmits
  EXPECT_EQ(store_.Size(store::Cf::kMessages), 0u);
}

}  // namespace
TEST_F(PipelineTest, OnlyMessagesThatMayNotifyAreHandedToTheNotifier) {
  std::mutex mutex;
  std::vector<InboundStored> handed;
  auto record = [&](std::vector<InboundStored> events) {
    std::lock_guard lock(mutex);
    handed.insert(handed.end(), events.begin(), events.end());
  };
  // No notifications configured for the brand: nothing is copied out for the notifier.
  pipeline_->SetOnInboundStored(record);
  ASSERT_EQ(Send(TextMo("+15557770001", "Where is my parcel?")), smpp::CommandStatus::kOk);
  {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(handed.empty());
  }
  StopPipeline();
  config::Config config = TestConfig();
  config.numbers[0].notifications.webhook_url = "http://127.0.0.1:9/hook";
  StartPipeline(config);
  pipeline_->SetOnInboundStored(record);
  ASSERT_EQ(Send(TextMo("+15557770002", "STOP")), smpp::CommandStatus::kOk);  // a keyword
  ASSERT_EQ(Send(TextMo("+15557770001", "Still there?")), smpp::CommandStatus::kOk);
  std::lock_guard lock(mutex);
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].preview, "Still there?");
  EXPECT_TRUE(handed[0].conversation);
}

}  // namespace confab::pipeline::testing
