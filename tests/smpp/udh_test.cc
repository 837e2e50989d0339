// UDH parsing and building, and SAR TLV values (facts §5.1, §8).

#include "smpp/udh.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using testing::Hex;

TEST(ParseUdh, EightBitConcat) {
  const auto udh = ParseUdh(Hex("05 00 03 2A 02 01 00 48 00 69"));
  ASSERT_TRUE(udh.ok()) << udh.status();
  ASSERT_TRUE(udh->concat);
  EXPECT_EQ(*udh->concat, (ConcatInfo{.ref = 0x2A, .total = 2, .seq = 1, .ref16 = false}));
  EXPECT_FALSE(udh->ports);
  EXPECT_EQ(udh->payload_offset, 6u);
}

TEST(ParseUdh, SixteenBitConcat) {
  const auto udh = ParseUdh(Hex("06 08 04 12 34 03 03 41"));
  ASSERT_TRUE(udh.ok()) << udh.status();
  EXPECT_EQ(*udh->concat, (ConcatInfo{.ref = 0x1234, .total = 3, .seq = 3, .ref16 = true}));
  EXPECT_EQ(udh->payload_offset, 7u);
}

TEST(ParseUdh, PortsAloneAndWithConcat) {
  const auto wap = ParseUdh(Hex("06 05 04 0B 84 23 F0 AA"));
  ASSERT_TRUE(wap.ok()) << wap.status();
  EXPECT_FALSE(wap->concat);
  EXPECT_EQ(*wap->ports, (PortInfo{.destination = 0x0B84, .originator = 0x23F0, .wide = true}));

  const auto both = ParseUdh(Hex("09 04 02 10 20 00 03 07 02 02"));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(*both->ports, (PortInfo{.destination = 0x10, .originator = 0x20, .wide = false}));
  EXPECT_EQ(*both->concat, (ConcatInfo{.ref = 7, .total = 2, .seq = 2, .ref16 = false}));
  EXPECT_EQ(both->payload_offset, 10u);
}

TEST(ParseUdh, UnknownIesSkippedAndLastConcatWins) {
  const auto udh = ParseUdh(Hex("0F 24 01 02 70 00 00 03 01 02 01 00 03 05 03 02 FF"));
  ASSERT_TRUE(udh.ok()) << udh.status();
  EXPECT_EQ(*udh->concat, (ConcatInfo{.ref = 5, .total = 3, .seq = 2, .ref16 = false}));
  EXPECT_EQ(udh->payload_offset, 16u);
}

TEST(ParseUdh, EmptyHeaderIsValid) {
  const auto udh = ParseUdh(Hex("00 41"));
  ASSERT_TRUE(udh.ok());
  EXPECT_FALSE(udh->concat);
  EXPECT_EQ(udh->payload_offset, 1u);
}

TEST(ParseUdh, MalformedHeadersAreClearErrors) {
  struct Case {
    const char* hex;
    const char* reason;
  };
  const Case cases[] = {
      {"", "no UDHL"},
      {"05 00 03 01 02", "UDHL past the end"},
      {"01 00", "IE header past the UDHL"},
      {"03 00 03 01 02 01", "IE data past the UDHL"},
      {"04 00 02 01 02", "8-bit concatenation IE length is not 3"},
      {"05 08 03 01 02 01", "16-bit concatenation IE length is not 4"},
      {"05 00 03 01 00 00", "total is 0"},
      {"05 00 03 01 02 00", "outside 1..total"},
      {"05 00 03 01 02 03", "outside 1..total"},
      {"06 08 04 00 01 02 05", "outside 1..total"},
      {"03 04 01 01", "8-bit port IE length is not 2"},
      {"04 05 02 01 01", "16-bit port IE length is not 4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    const auto udh = ParseUdh(Hex(c.hex));
    ASSERT_FALSE(udh.ok());
    EXPECT_EQ(udh.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(udh.status().message().find(c.reason), std::string::npos) << udh.status();
  }
}

TEST(ConcatFromSar, AllNoneSomeOrInvalid) {
  const auto none = ConcatFromSar(std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  const auto all = ConcatFromSar(uint16_t{0x0102}, uint8_t{3}, uint8_t{2});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(**all, (ConcatInfo{.ref = 0x0102, .total = 3, .seq = 2, .ref16 = true}));

  EXPECT_FALSE(ConcatFromSar(uint16_t{1}, uint8_t{3}, std::nullopt).ok());
  EXPECT_FALSE(ConcatFromSar(std::nullopt, uint8_t{3}, uint8_t{1}).ok());
  EXPECT_FALSE(ConcatFromSar(uint16_t{1}, uint8_t{0}, uint8_t{0}).ok());
  EXPECT_FALSE(ConcatFromSar(uint16_t{1}, uint8_t{2}, uint8_t{3}).ok());
  EXPECT_FALSE(ConcatFromSar(uint16_t{1}, uint8_t{2}, uint8_t{0}).ok());
}

TEST(BuildUdh, RoundTripsThroughTheParser) {
  struct Case {
    std::optional<ConcatInfo> concat;
    std::optional<PortInfo> ports;
    const char* hex;
  };
  const Case cases[] = {
      {ConcatInfo{.ref = 0x2A, .total = 2, .seq = 1, .ref16 = false}, std::nullopt,
       "05 00 03 2A 02 01"},
      {ConcatInfo{.ref = 0xBEEF, .total = 9, .seq = 9, .ref16 = true}, std::nullopt,
       "06 08 04 BE EF 09 09"},
      {std::nullopt, PortInfo{.destination = 0x0B84, .originator = 0x23F0, .wide = true},
       "06 05 04 0B 84 23 F0"},
      {ConcatInfo{.ref = 1, .total = 2, .seq = 2, .ref16 = false},
       PortInfo{.destination = 5, .originator = 6, .wide = false}, "09 00 03 01 02 02 04 02 05 06"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    std::vector<uint8_t> out;
    BuildUdh(c.concat, c.ports, out);
    EXPECT_EQ(out, Hex(c.hex));
    EXPECT_EQ(out.size(), UdhSize(c.concat, c.ports));
    const auto parsed = ParseUdh(out);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->concat, c.concat);
    EXPECT_EQ(parsed->ports, c.ports);
    EXPECT_EQ(parsed->payload_offset, out.size());
  }
  std::vector<uint8_t> none;
  BuildUdh(std::nullopt, std::nullopt, none);
  EXPECT_TRUE(none.empty());
}

TEST(SplitUserData, UdhOnlyWhenUdhiIsSet) {
  const std::vector<uint8_t> data = Hex("05 00 03 2A 02 01 48 69");
  const auto plain = SplitUserData(0x00, data);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->concat);
  EXPECT_EQ(plain->udh_octets, 0u);
  EXPECT_EQ(plain->payload.size(), data.size());

  const auto with_udh = SplitUserData(0x40, data);
  ASSERT_TRUE(with_udh.ok());
  EXPECT_EQ(*with_udh->concat, (ConcatInfo{.ref = 0x2A, .total = 2, .seq = 1, .ref16 = false}));
  EXPECT_EQ(with_udh->udh_octets, 6u);
  EXPECT_EQ(std::vector<uint8_t>(with_udh->payload.begin(), with_udh->payload.end()), Hex("48 69"));

  EXPECT_FALSE(SplitUserData(0x40, Hex("05 00 03")).ok());  // malformed UDH
}

TEST(SplitUserData, SarValuesWhenTheUdhHasNoConcat) {
  const auto sar = SplitUserData(0x00, Hex("48 69"), uint16_t{0x0203}, uint8_t{4}, uint8_t{4});
  ASSERT_TRUE(sar.ok());
  EXPECT_EQ(*sar->concat, (ConcatInfo{.ref = 0x0203, .total = 4, .seq = 4, .ref16 = true}));

  // A UDH concatenation IE wins over SAR values.
  const auto both =
      SplitUserData(0x40, Hex("05 00 03 01 02 02 48"), uint16_t{9}, uint8_t{3}, uint8_t{1});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->concat->ref, 1);
  EXPECT_FALSE(both->concat->ref16);

  EXPECT_FALSE(SplitUserData(0x00, Hex("48"), uint16_t{9}, uint8_t{3}, std::nullopt).ok());
  EXPECT_FALSE(SplitUserData(0x00, Hex("48"), uint16_t{9}, uint8_t{3}, uint8_t{4}).ok());
}

}  // namespace
}  // namespace confab::smpp
