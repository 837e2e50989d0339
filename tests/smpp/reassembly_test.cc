// Reassembly of inbound parts: any order, duplicates, timeouts, interleaving, decoding.

#include "smpp/reassembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "smpp/segment.h"
#include "smpp/udh.h"
#include "tests/smpp/text_test_util.h"

namespace confab::smpp {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::Bytes;
using testing::Hex;

const WallTime kT0 = WallTime{} + std::chrono::hours(1000);

PartKey Key(std::string source, uint16_t ref, uint8_t total, bool ref16 = false) {
  return PartKey{.carrier = "carrier-a",
                 .source = std::move(source),
                 .destination = "12345",
                 .ref = ref,
                 .total = total,
                 .ref16 = ref16};
}

StoredPart Part(uint8_t seq, std::string_view text, WallTime at = kT0, uint8_t dc = 0x00) {
  return StoredPart{
      .seq = seq, .data_coding = dc, .udh_octets = 6, .payload = Bytes(text), .received_at = at};
}

class ReassemblyTest : public ::testing::Test {
 protected:
  InMemoryPartStore store_;
  Reassembler reassembler_{store_, ReassemblyOptions{.timeout = minutes(5)}};
};

TEST_F(ReassemblyTest, EveryArrivalOrderGivesTheSameMessage) {
  std::vector<uint8_t> order = {1, 2, 3};
  const char* texts[] = {"", "one ", "two ", "three"};
  int permutations = 0;
  do {
    const PartKey key = Key("+15550001", 42, 3);
    for (std::size_t k = 0; k < order.size(); ++k) {
      const auto r = reassembler_.Add(key, Part(order[k], texts[order[k]]));
      ASSERT_TRUE(r.ok());
      if (k + 1 < order.size()) {
        EXPECT_EQ(r->outcome, Reassembler::Outcome::kStored);
        EXPECT_FALSE(r->message);
      } else {
        ASSERT_EQ(r->outcome, Reassembler::Outcome::kCompleted);
        ASSERT_TRUE(r->message);
        EXPECT_TRUE(r->message->complete());
        EXPECT_EQ(DecodeReassembled(*r->message).utf8, "one two three");
      }
    }
    EXPECT_EQ(store_.pending_messages(), 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 6);
}

TEST_F(ReassemblyTest, DuplicatesAreIgnoredAndTheFirstCopyWins) {
  const PartKey key = Key("+15550002", 7, 2);
  ASSERT_EQ(reassembler_.Add(key, Part(1, "first "))->outcome, Reassembler::Outcome::kStored);
  EXPECT_EQ(reassembler_.Add(key, Part(1, "again "))->outcome, Reassembler::Outcome::kDuplicate);
  const auto done = reassembler_.Add(key, Part(2, "second"));
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->outcome, Reassembler::Outcome::kCompleted);
  EXPECT_EQ(DecodeReassembled(*done->message).utf8, "first second");
  // A late duplicate of a completed message starts a new, incomplete one; it times out alone.
  EXPECT_EQ(reassembler_.Add(key, Part(2, "second"))->outcome, Reassembler::Outcome::kStored);
  EXPECT_EQ(store_.pending_messages(), 1u);
}

TEST_F(ReassemblyTest, TimeoutDeliversWhatArrivedMarkedIncomplete) {
  const PartKey key = Key("+15550003", 9, 4);
  ASSERT_TRUE(reassembler_.Add(key, Part(3, "c", kT0)).ok());
  ASSERT_TRUE(reassembler_.Add(key, Part(1, "a", kT0 + seconds(30))).ok());
  auto none = reassembler_.Expire(kT0 + minutes(5) - seconds(1));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto expired = reassembler_.Expire(kT0 + minutes(5));
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  const ReassembledMessage& m = expired->front();
  EXPECT_FALSE(m.complete());
  EXPECT_EQ(m.missing, (std::vector<uint8_t>{2, 4}));
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].seq, 1);
  EXPECT_EQ(m.parts[1].seq, 3);
  EXPECT_EQ(DecodeReassembled(m).utf8, "ac");
  EXPECT_EQ(store_.pending_messages(), 0u);
  EXPECT_TRUE(reassembler_.Expire(kT0 + minutes(60))->empty());
}

TEST_F(ReassemblyTest, InterleavedMessagesStayApart) {
  const PartKey a = Key("+15550004", 1, 2);
  const PartKey b = Key("+15550005", 1, 2);        // same ref, other sender
  const PartKey c = Key("+15550004", 1, 2, true);  // same ref value, 16-bit
  const PartKey d = Key("+15550004", 1, 3);        // UDH mismatch: other total
  ASSERT_TRUE(reassembler_.Add(a, Part(1, "A1")).ok());
  ASSERT_TRUE(reassembler_.Add(b, Part(2, "B2")).ok());
  ASSERT_TRUE(reassembler_.Add(c, Part(1, "C1")).ok());
  ASSERT_TRUE(reassembler_.Add(d, Part(2, "D2")).ok());
  const auto b_done = reassembler_.Add(b, Part(1, "B1"));
  ASSERT_EQ(b_done->outcome, Reassembler::Outcome::kCompleted);
  EXPECT_EQ(DecodeReassembled(*b_done->message).utf8, "B1B2");
  const auto a_done = reassembler_.Add(a, Part(2, "A2"));
  ASSERT_EQ(a_done->outcome, Reassembler::Outcome::kCompleted);
  EXPECT_EQ(DecodeReassembled(*a_done->message).utf8, "A1A2");
  EXPECT_EQ(store_.pending_messages(), 2u);  // c and d still wait
}

TEST_F(ReassemblyTest, SequenceOutsideTotalIsRejected) {
  EXPECT_EQ(reassembler_.Add(Key("x", 1, 2), Part(3, "z")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reassembler_.Add(Key("x", 1, 2), Part(0, "z")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.pending_messages(), 0u);
}

TEST(DecodeReassembled, JoinsPairsThatASenderSplitAcrossParts) {
  ReassembledMessage gsm;
  gsm.parts = {Part(1, "\x41\x1B"), Part(2, "\x65\x42")};  // ESC | e
  EXPECT_EQ(DecodeReassembled(gsm).utf8, "A€B");

  ReassembledMessage ucs;
  ucs.parts = {Part(1, "\xD8\x3D", kT0, 0x08), Part(2, std::string("\xDE\x00", 2), kT0, 0x08)};
  const DecodedText t = DecodeReassembled(ucs);
  EXPECT_EQ(t.encoding, TextEncoding::kUcs2);
  EXPECT_EQ(t.utf8, "😀");
  EXPECT_EQ(t.replaced, 0u);
}

TEST(DecodeReassembled, MixedDataCodingDecodesPartByPart) {
  ReassembledMessage m;
  m.parts = {Part(1, "Hi ", kT0, 0x00), Part(2, std::string("\x00\xE9", 2), kT0, 0x08),
             Part(3, "\x01\x02", kT0, 0x04)};
  const DecodedText t = DecodeReassembled(m);
  EXPECT_EQ(t.encoding, TextEncoding::kGsm7);
  EXPECT_EQ(t.utf8, "Hi é\uFFFD");
  EXPECT_EQ(t.replaced, 1u);
}

TEST(DecodeReassembled, BinaryPartsStayBinary) {
  ReassembledMessage m;
  m.parts = {Part(1, "\x01\x02", kT0, 0x04), Part(2, "\x03", kT0, 0x04)};
  const DecodedText t = DecodeReassembled(m);
  EXPECT_EQ(t.encoding, TextEncoding::kBinary);
  EXPECT_EQ(t.binary, Hex("01 02 03"));
}

// End to end: segment, parse each part's UDH, add shuffled, decode.
TEST_F(ReassemblyTest, SegmentParseReassembleRoundTrip) {
  const std::string gsm_text = "Grüße aus Köln! Preis: 12€ {Rabatt} Ende. " + std::string(300, 'x');
  const std::string ucs_text = "Grüße — " + std::string(150, 'y') + " 😀 fin";
  for (const std::string& text : {gsm_text, ucs_text}) {
    for (const bool packed : {false, true}) {
      for (const ConcatMode mode : {ConcatMode::kUdh8, ConcatMode::kUdh16}) {
        SCOPED_TRACE(static_cast<int>(mode) * 2 + packed);
        const auto seg =
            SegmentText(text, {.mode = mode, .gsm_packed = packed, .encoding = std::nullopt},
                        [] { return uint16_t{0x0A0B}; });
        ASSERT_TRUE(seg.ok());
        ASSERT_GT(seg->parts.size(), 2u);
        std::vector<std::size_t> order(seg->parts.size());
        for (std::size_t k = 0; k < order.size(); ++k) {
          order[k] = order.size() - 1 - k;  // reverse arrival
        }
        std::optional<ReassembledMessage> done;
        for (std::size_t k : order) {
          const auto& sm = seg->parts[k].short_message;
          const auto udh = ParseUdh(sm);
          ASSERT_TRUE(udh.ok());
          ASSERT_TRUE(udh->concat);
          const PartKey key =
              Key("+15550009", udh->concat->ref, udh->concat->total, udh->concat->ref16);
          StoredPart part{
              .seq = udh->concat->seq,
              .data_coding = seg->data_coding,
              .udh_octets = static_cast<uint8_t>(udh->payload_offset),
              .payload = {sm.begin() + static_cast<long>(udh->payload_offset), sm.end()},
              .received_at = kT0};
          auto r = reassembler_.Add(key, part);
          ASSERT_TRUE(r.ok());
          if (r->message) {
            done = std::move(r->message);
          }
        }
        ASSERT_TRUE(done);
        const DecodedText t = DecodeReassembled(*done, testing::Packed(packed));
        EXPECT_EQ(t.utf8, text);
        EXPECT_EQ(t.replaced, 0u);
      }
    }
  }
}

}  // namespace
}  // namespace confab::smpp
