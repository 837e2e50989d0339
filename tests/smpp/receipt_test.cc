// Delivery receipt parsing across vendor variants, TLV precedence, stat words, message ids.

#include "smpp/receipt.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Hex;

struct Variant {
  const char* name;
  std::string text;
  std::string id;
  std::optional<MessageState> state;
  std::string err;
  std::string body;  // the text: field
};

class ReceiptVariants : public ::testing::TestWithParam<Variant> {};

TEST_P(ReceiptVariants, Parses) {
  const Variant& v = GetParam();
  const auto r = ParseDeliveryReceipt(v.text);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message_id, v.id);
  EXPECT_EQ(r->state, v.state);
  EXPECT_EQ(r->err, v.err);
  EXPECT_EQ(r->text, v.body);
  EXPECT_FALSE(r->id_from_tlv);
}

INSTANTIATE_TEST_SUITE_P(
    Vendors, ReceiptVariants,
    ::testing::Values(
        Variant{"SpecAppendixB",
                "id:0123456789 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 "
                "stat:DELIVRD err:000 Text:Hello world",
                "0123456789", MessageState::kDelivered, "000", "Hello world"},
        Variant{"FactsE7",
                "id:1A2B3C sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 "
                "stat:DELIVRD err:000 text:Hello",
                "1A2B3C", MessageState::kDelivered, "000", "Hello"},
        Variant{"NoTextField",
                "id:77 sub:001 dlvrd:000 submit date:2401011200 done date:2401011300 "
                "stat:UNDELIV err:001",
                "77", MessageState::kUndeliverable, "001", ""},
        Variant{"UppercaseKeysAndExtraSpaces",
                "ID : abc-1   SUB:001  DLVRD:001   SUBMIT DATE:2401011200   DONE  DATE : "
                "2401011201  STAT : EXPIRED   ERR:  5   TEXT:  hi  ",
                "abc-1", MessageState::kExpired, "5", "hi"},
        Variant{"TwelveDigitDates",
                "id:4400112233 sub:001 dlvrd:001 submit date:240101120000 done date:"
                "240101120130 stat:DELIVRD err:0 text:",
                "4400112233", MessageState::kDelivered, "0", ""},
        Variant{"TextWithColons",
                "id:9 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD "
                "err:000 text:Meet at 10:30 id:fake stat:REJECTD",
                "9", MessageState::kDelivered, "000", "Meet at 10:30 id:fake stat:REJECTD"},
        Variant{"FieldsOutOfOrder",
                "stat:REJECTD err:0x1F id:ab12 done date:2401011201 sub:001 dlvrd:000 text:x",
                "ab12", MessageState::kRejected, "0x1F", "x"},
        Variant{"UnderscoreDateKeysAndWordError",
                "id:5 sub:1 dlvrd:1 submit_date:2401011200 done_date:2401011201 stat:ACCEPTD "
                "err:none",
                "5", MessageState::kAccepted, "none", ""},
        Variant{"EnrouteIntermediate", "id:abc stat:ENROUTE err:000", "abc", MessageState::kEnroute,
                "000", ""},
        Variant{"SpelledOutStat", "id:1 stat:DELIVERED", "1", MessageState::kDelivered, "", ""},
        Variant{"UnknownStatWord", "id:2 stat:BUFFRED err:000", "2", std::nullopt, "000", ""},
        Variant{"TabsAndCrLf", "id:3\tsub:001\r\nstat:UNKNOWN\terr:000\r\n", "3",
                MessageState::kUnknown, "000", ""},
        Variant{"LongDecimalId",
                "id:123456789012345678901234567890 sub:001 dlvrd:001 stat:DELETED err:000",
                "123456789012345678901234567890", MessageState::kDeleted, "000", ""}),
    [](const ::testing::TestParamInfo<Variant>& p) { return std::string(p.param.name); });

TEST(Receipt, NumbersAndDates) {
  const auto r = ParseDeliveryReceipt(
      "id:1 sub:002 dlvrd:001 submit date:2401311259 done date:240229235959 stat:DELIVRD err:012");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->submitted, 2u);
  EXPECT_EQ(r->delivered, 1u);
  EXPECT_EQ(r->error_code, 12u);
  EXPECT_EQ(r->submit_date, (ReceiptDate{.year = 2024,
                                         .month = 1,
                                         .day = 31,
                                         .hour = 12,
                                         .minute = 59,
                                         .second = 0,
                                         .has_seconds = false}));
  EXPECT_EQ(r->done_date, (ReceiptDate{.year = 2024,
                                       .month = 2,
                                       .day = 29,
                                       .hour = 23,
                                       .minute = 59,
                                       .second = 59,
                                       .has_seconds = true}));
  EXPECT_EQ(r->submit_date_text, "2401311259");
}

TEST(Receipt, BadDatesAndNumbersStayRawOnly) {
  const auto r = ParseDeliveryReceipt(
      "id:1 sub:abc dlvrd:1234567890 submit date:2413011200 done date:24010112 err:E1");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->submitted);
  EXPECT_FALSE(r->delivered);
  EXPECT_FALSE(r->submit_date);
  EXPECT_EQ(r->submit_date_text, "2413011200");
  EXPECT_FALSE(r->done_date);
  EXPECT_FALSE(r->error_code);
  EXPECT_EQ(r->err, "E1");
  EXPECT_FALSE(r->state);
}

TEST(Receipt, TlvsWinOverTheText) {
  const std::vector<uint8_t> net = Hex("03 00 22");
  const auto r = ParseDeliveryReceipt(
      "id:12345 stat:DELIVRD err:000",
      ReceiptTlvs{.receipted_message_id = "3039", .message_state = 5, .network_error_code = net});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message_id, "3039");
  EXPECT_EQ(r->text_id, "12345");
  EXPECT_TRUE(r->id_from_tlv);
  EXPECT_EQ(r->state, MessageState::kUndeliverable);
  EXPECT_TRUE(r->state_from_tlv);
  EXPECT_EQ(r->stat, "DELIVRD");
  EXPECT_EQ(r->network_error, (NetworkError{.network_type = 3, .code = 0x22}));
}

TEST(Receipt, InvalidTlvValuesAreIgnored) {
  const std::vector<uint8_t> short_net = Hex("03 00");
  const auto r =
      ParseDeliveryReceipt("id:1 stat:EXPIRED", ReceiptTlvs{.receipted_message_id = "  ",
                                                            .message_state = 0,
                                                            .network_error_code = short_net});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message_id, "1");
  EXPECT_FALSE(r->id_from_tlv);
  EXPECT_EQ(r->state, MessageState::kExpired);
  EXPECT_FALSE(r->state_from_tlv);
  EXPECT_FALSE(r->network_error);
}

TEST(Receipt, TlvOnlyReceiptParses) {
  const auto r = ParseDeliveryReceipt("", ReceiptTlvs{.receipted_message_id = "abc",
                                                      .message_state = 2,
                                                      .network_error_code = std::nullopt});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message_id, "abc");
  EXPECT_EQ(r->state, MessageState::kDelivered);
}

TEST(Receipt, NoIdIsAnError) {
  EXPECT_EQ(ParseDeliveryReceipt("stat:DELIVRD err:000").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseDeliveryReceipt("").ok());
  EXPECT_FALSE(ParseDeliveryReceipt("id: text:abc").ok());        // empty id
  EXPECT_FALSE(ParseDeliveryReceipt("xid:1 stat:DELIVRD").ok());  // "xid" is not "id"
}

TEST(Receipt, IsDeliveryReceiptByEsmClass) {
  EXPECT_TRUE(IsDeliveryReceipt(0x04));
  EXPECT_TRUE(IsDeliveryReceipt(0x44));  // with UDHI
  EXPECT_FALSE(IsDeliveryReceipt(0x00));
  EXPECT_FALSE(IsDeliveryReceipt(0x08));
  EXPECT_FALSE(IsDeliveryReceipt(0x20));
}

TEST(StatWords, BothWays) {
  for (int v = 1; v <= 8; ++v) {
    const auto state = static_cast<MessageState>(v);
    EXPECT_EQ(MessageStateFromStat(StatText(state)), state) << v;
  }
  EXPECT_EQ(StatText(MessageState::kDelivered), "DELIVRD");
  EXPECT_EQ(StatText(MessageState::kUndeliverable), "UNDELIV");
  EXPECT_EQ(MessageStateFromStat("delivrd"), MessageState::kDelivered);
  EXPECT_EQ(MessageStateFromStat(" Rejected "), MessageState::kRejected);
  EXPECT_EQ(MessageStateFromStat("FAILED"), MessageState::kUndeliverable);
  EXPECT_EQ(MessageStateFromStat("DELIV"), std::nullopt);
  EXPECT_EQ(MessageStateFromStat(""), std::nullopt);
}

TEST(MessageId, NormalizationRule) {
  EXPECT_EQ(NormalizeMessageId(" 1A2B3C ", MessageIdFormat::kAsIs), "1A2B3C");
  EXPECT_EQ(NormalizeMessageId("001A2B3C", MessageIdFormat::kHex), "1a2b3c");
  EXPECT_EQ(NormalizeMessageId("0000012345", MessageIdFormat::kDecimal), "3039");
  EXPECT_EQ(NormalizeMessageId("0", MessageIdFormat::kDecimal), "0");
  EXPECT_EQ(NormalizeMessageId("000", MessageIdFormat::kHex), "0");
  // Above 64 bits: 2^64 = 0x10000000000000000.
  EXPECT_EQ(NormalizeMessageId("18446744073709551616", MessageIdFormat::kDecimal),
            "10000000000000000");
  // Not a number of its format: falls back to the trimmed id.
  EXPECT_EQ(NormalizeMessageId("12-AB", MessageIdFormat::kDecimal), "12-AB");
  EXPECT_EQ(NormalizeMessageId("xyz", MessageIdFormat::kHex), "xyz");
}

TEST(MessageId, ReceiptDecimalMatchesSubmitRespHex) {
  EXPECT_TRUE(
      SameMessageId("0000012345", MessageIdFormat::kDecimal, "3039", MessageIdFormat::kHex));
  EXPECT_TRUE(SameMessageId("12345", MessageIdFormat::kDecimal, "00003039", MessageIdFormat::kHex));
  EXPECT_FALSE(SameMessageId("12346", MessageIdFormat::kDecimal, "3039", MessageIdFormat::kHex));
  EXPECT_TRUE(SameMessageId("abcDEF", MessageIdFormat::kHex, "ABCdef", MessageIdFormat::kHex));
  EXPECT_FALSE(SameMessageId("abcDEF", MessageIdFormat::kAsIs, "ABCdef", MessageIdFormat::kAsIs));
}

}  // namespace
}  // namespace confab::smpp
