// POST /v1/sends: campaign and flow sends, per-recipient refusals, attribution of the answer.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "tests/daemon/api_actions_test_util.h"

namespace confab::api::testing {
namespace {

constexpr char kCarol[] = "+15551230003";
constexpr char kDave[] = "+15551230004";
constexpr char kErin[] = "+15551230005";
constexpr char kFrank[] = "+15551230006";
constexpr uint64_t kHourMs = 3600 * 1000;

class SendTest : public ActionsTest {
 protected:
  Answer Sends(const std::string& body) { return Call("POST", "/v1/sends", {}, body); }
  static std::string Body(const std::string& recipients, const std::string& kind = "campaign",
                          const std::string& id = "42") {
    return absl::StrCat(R"({"kind": ")", kind, R"(", "id": )", id, R"(, "brand": ")", kBrand,
                        R"(", "text": "Spring sale: https://shop.example.com/spring-sale-2027",)",
                        R"( "recipients": )", recipients, "}");
  }
  void OptIn(const std::string& from) {
    ASSERT_EQ(Send(TextMo(from, "START")), smpp::CommandStatus::kOk);
  }
};

TEST_F(SendTest, QueuesPerRecipientAndRefusesThoseWhoMayNotReceiveIt) {
  OptIn(kCarol);
  OptIn(kDave);
  OptIn(kErin);
  ASSERT_EQ(Send(TextMo(kErin, "STOP")), smpp::CommandStatus::kOk);
  ASSERT_EQ(Profile("POST", "block", kDave).status, 200);
  const uint32_t carol_seq = Profile(kCarol)->next_message_seq;
  Answer answer =
      Sends(Body(absl::StrCat(R"([")", kCarol, R"(", ")", kDave, R"(", ")", kErin, R"(", ")",
                              kFrank, R"(", "5551230007", 12, ")", kCarol, R"("])")));
  ASSERT_EQ(answer.status, 200) << boost::json::serialize(answer.body);
  EXPECT_EQ(answer.body.at("queued").as_int64(), 1);
  EXPECT_EQ(answer.body.at("refused").as_int64(), 6);
  const boost::json::array& results = answer.body.at("results").as_array();
  ASSERT_EQ(results.size(), 7u);
  EXPECT_EQ(results[0].at("recipient"), kCarol);
  EXPECT_EQ(results[0].at("status"), "queued");
  EXPECT_EQ(results[0].at("message_id").as_int64(), carol_seq);
  EXPECT_EQ(results[0].at("segments").as_int64(), 1);
  const char* codes[] = {"blocked",        "not_subscribed", "not_subscribed",
                         "invalid_number", "invalid_number", "duplicate"};
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(results[i].at("status"), "refused") << i;
    EXPECT_EQ(results[i].at("code"), codes[i - 1]) << i;
    EXPECT_TRUE(results[i].at("message_id").is_null());
  }

  // Carol's message: kind campaign, attributed to it, queued; her candidate names it.
  std::optional<store::MessageRecord> message = Message(kCarol, carol_seq);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->kind, store::MessageKind::kCampaign);
  EXPECT_EQ(message->attribution_kind, store::AttributionKind::kCampaign);
  EXPECT_EQ(message->attribution_id, 42u);
  EXPECT_EQ(message->text, "Spring sale: https://s.co/C0000000");
  const store::ProfileRecord carol = *Profile(kCarol);
  EXPECT_EQ(carol.candidate_kind, store::AttributionKind::kCampaign);
  EXPECT_EQ(carol.candidate_id, 42u);
  EXPECT_EQ(carol.candidate_sent_ms, kStartMs);
  EXPECT_EQ(carol.candidate_message_seq, carol_seq);
  EXPECT_EQ(Queued(kCarol).size(), 1u);
  for (const char* other : {kDave, kErin, kFrank}) {
    EXPECT_TRUE(Queued(other).empty()) << other;
  }
  EXPECT_FALSE(Profile(kFrank));  // a refusal writes nothing
  EXPECT_EQ(links_.size(), 1u);   // and makes no links
}

TEST_F(SendTest, TheFirstAnswerWithinTheWindowIsAttributed) {
  OptIn(kCarol);
  OptIn(kDave);
  Answer answer =
      Sends(Body(absl::StrCat(R"([")", kCarol, R"(", ")", kDave, R"("])"), "flow", "7"));
  ASSERT_EQ(answer.body.at("queued").as_int64(), 2);
  const uint32_t flow_seq =
      static_cast<uint32_t>(answer.body.at("results").at(0).at("message_id").as_int64());

  now_ms_ += kHourMs;  // within the default 24 h window
  ASSERT_EQ(Send(TextMo(kCarol, "Is the sale on in store too?")), smpp::CommandStatus::kOk);
  const store::ThreadMessage inbound = Messages(kCarol).front();
  EXPECT_EQ(inbound.record.direction, store::Direction::kInbound);
  EXPECT_EQ(inbound.record.attribution_kind, store::AttributionKind::kFlow);
  EXPECT_EQ(inbound.record.attribution_id, 7u);
  auto attribution =
      store::StoreReader(store_).GetAttribution({store::AttributionKind::kFlow, 7, inbound.key});
  ASSERT_TRUE(attribution.ok() && attribution->has_value());
  EXPECT_EQ((*attribution)->source_message_seq, flow_seq);
  // Only the first answer counts.
  ASSERT_EQ(Send(TextMo(kCarol, "And online?")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Messages(kCarol).front().record.attribution_kind, store::AttributionKind::kNone);

  now_ms_ += 24 * kHourMs;  // Dave answers after the window
  ASSERT_EQ(Send(TextMo(kDave, "Still on?")), smpp::CommandStatus::kOk);
  EXPECT_EQ(Messages(kDave).front().record.attribution_kind, store::AttributionKind::kNone);
}

TEST_F(SendTest, RefusesBadBodies) {
  const std::string one = absl::StrCat(R"([")", kCarol, R"("])");
  std::string many = "[";
  for (int i = 0; i < 1001; ++i) {
    absl::StrAppend(&many, i == 0 ? "" : ",", R"("+1555200)", 1000 + i, R"(")");
  }
  many += "]";
  const std::string bodies[] = {
      "",
      "{nope",
      Body(one, "newsletter"),
      Body(one, "campaign", "-1"),
      Body(one, "campaign", R"("42")"),
      Body("[]"),
      Body(R"("+15551230003")"),
      Body(many),
      absl::StrCat(R"({"kind": "campaign", "id": 1, "brand": ")", kBrand,
                   R"(", "text": "", "recipients": )", one, "}"),
      absl::StrCat(R"({"kind": "campaign", "id": 1, "brand": "acme", "text": "x", )",
                   R"("recipients": )", one, "}"),
  };
  for (const std::string& body : bodies) {
    EXPECT_EQ(Sends(body).status, 400) << body.substr(0, 80);
  }
  Answer unknown = Sends(absl::StrCat(R"({"kind": "campaign", "id": 1, "brand": "+15559999999",)",
                                      R"( "text": "x", "recipients": )", one, "}"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(Queued(kCarol).empty());
}

TEST_F(SendTest, AThousandRecipientsAreAccepted) {
  std::string many = "[";
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&many, i == 0 ? "" : ",", R"("+1555200)", 1000 + i, R"(")");
  }
  many += "]";
  Answer answer = Sends(Body(many));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body.at("results").as_array().size(), 1000u);
  EXPECT_EQ(answer.body.at("refused").as_int64(), 1000);  // nobody opted in
  EXPECT_EQ(answer.body.at("results").at(999).at("code"), "not_subscribed");
}

}  // namespace
}  // namespace confab::api::testing
