#include "daemon/receipts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/options.h"
#include "smpp/codec.h"
#include "store/memory_store.h"
#include "store/reader.h"
#include "store/write_set.h"

namespace confab::outbound {
namespace {

using config::ReceiptIdFormat;
using smpp::CommandStatus;
using store::DeliveryState;

constexpr uint64_t kStartMs = 1'800'000'000'000;
constexpr std::chrono::milliseconds kParkTime{30'000};
constexpr uint32_t kAsIsRoute = 0;
constexpr uint32_t kHexRoute = 1;
constexpr uint32_t kDecimalRoute = 2;

std::string Dlr(const std::string& id, const std::string& stat, const std::string& err = "000") {
  return absl::StrCat("id:", id, " sub:001 dlvrd:001 submit date:2701150000 done date:2701150001",
                      " stat:", stat, " err:", err, " text:hello");
}

class ReceiptsTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { processor_.reset(); }

  ReceiptOptions Options(std::size_t max_parked = 100) {
    ReceiptOptions options;
    options.id_formats = {ReceiptIdFormat::kAsIs, ReceiptIdFormat::kHex, ReceiptIdFormat::kDecimal};
    options.park_time = kParkTime;
    options.max_parked = max_parked;
    options.clock = [this] { return now_ms_.load(); };
    return options;
  }

  void Start(std::size_t max_parked = 100) {
    processor_.reset();
    const ReceiptOptions options = Options(max_parked);
    processor_ = std::make_unique<ReceiptProcessor>(
        store_, store_.handles(),
        [this](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
          if (fail_writes_.load()) {
            return rocksdb::Status::IOError("injected failure");
          }
          return store_.Write(write_options, batch);
        },
        options, metrics_);
  }

  // What the dispatcher writes once every part is answered: the message and one ref per part.
  store::MessageKey Submitted(uint32_t route, const std::vector<std::string>& submit_ids) {
    const store::MessageKey key{{15550100000u, 15551230000u + next_seq_}, next_seq_};
    ++next_seq_;
    store::MessageRecord record;
    record.direction = store::Direction::kOutbound;
    record.kind = store::MessageKind::kAgentReply;
    record.delivery = DeliveryState::kSubmitted;
    record.segments = static_cast<uint8_t>(submit_ids.size());
    record.created_ms = record.updated_ms = kStartMs - 1000;
    record.carrier_message_id = submit_ids.front();
    record.text = "hello";
    store::WriteSet writes(store_.handles());
    writes.PutMessage(key, record);
    for (std::size_t i = 0; i < submit_ids.size(); ++i) {
      writes.PutCarrierRef(route, SubmitRefId(submit_ids[i], options_format(route)),
                           {key, static_cast<uint8_t>(i + 1),
                            static_cast<uint8_t>(submit_ids.size()), DeliveryState::kSubmitted});
    }
    EXPECT_TRUE(store_.Apply(writes.batch()).ok());
    return key;
  }
  static ReceiptIdFormat options_format(uint32_t route) {
    return route == kHexRoute       ? ReceiptIdFormat::kHex
           : route == kDecimalRoute ? ReceiptIdFormat::kDecimal
                                    : ReceiptIdFormat::kAsIs;
  }

  // A receipt as a carrier sends it; the future holds our answer.
  std::future<CommandStatus> Offer(uint32_t route, const std::string& text,
                                   uint8_t esm_class = smpp::esm_class::kTypeDeliveryReceipt,
                                   std::optional<std::string> tlv_id = std::nullopt) {
    smpp::DeliverSm sm;
    sm.esm_class = esm_class;
    sm.short_message = {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
    std::string tlv_value;
    if (tlv_id) {
      tlv_value = *tlv_id + '\0';
      sm.tlvs.Add(smpp::tlv::kReceiptedMessageId,
                  {reinterpret_cast<const uint8_t*>(tlv_value.data()), tlv_value.size()});
    }
    auto promise = std::make_shared<std::promise<CommandStatus>>();
    std::future<CommandStatus> answer = promise->get_future();
    processor_->OnReceipt(route, smpp::MakePdu(sm, 1),
                          [promise](CommandStatus status) { promise->set_value(status); });
    return answer;
  }
  CommandStatus Send(uint32_t route, const std::string& text) { return Offer(route, text).get(); }

  // Everything queued before it has been decided (the worker goes in order): an intermediate
  // receipt for a stored message changes nothing and is answered by the worker.
  void Barrier() {
    if (!barrier_) {
      barrier_ = Submitted(kAsIsRoute, {"barrier"});
    }
    ASSERT_EQ(Send(kAsIsRoute, Dlr("barrier", "ENROUTE")), CommandStatus::kOk);
  }

  store::MessageRecord Message(const store::MessageKey& key) {
    auto record = store::StoreReader(store_).GetMessage(key);
    EXPECT_TRUE(record.ok() && record->has_value());
    return record.ok() && record->has_value() ? **record : store::MessageRecord{};
  }
  store::CarrierRef Ref(uint32_t route, std::string_view submit_id) {
    auto ref = store::StoreReader(store_).FindCarrierRef(
        route, SubmitRefId(submit_id, options_format(route)));
    EXPECT_TRUE(ref.ok() && ref->has_value());
    return ref.ok() && ref->has_value() ? **ref : store::CarrierRef{};
  }
  uint64_t Outcome(std::string_view outcome) {
    return metrics_.GetCounter("confab_receipts_total", "", {{"outcome", std::string(outcome)}})
        .value();
  }

  store::MemoryStore store_;
  metrics::Registry metrics_;
  std::atomic<uint64_t> now_ms_{kStartMs};
  std::atomic<bool> fail_writes_{false};
  uint32_t next_seq_ = 1;
  std::optional<store::MessageKey> barrier_;
  std::unique_ptr<ReceiptProcessor> processor_;
};

bool Ready(std::future<CommandStatus>& answer) {
  return answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

TEST_F(ReceiptsTest, SinglePartDelivered) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"abc-1"});
  now_ms_ += 5000;
  EXPECT_EQ(Send(kAsIsRoute, Dlr("abc-1", "DELIVRD")), CommandStatus::kOk);
  const store::MessageRecord record = Message(key);
  EXPECT_EQ(record.delivery, DeliveryState::kDelivered);
  EXPECT_EQ(record.parts_final, 1);
  EXPECT_EQ(record.updated_ms, kStartMs + 5000);
  EXPECT_EQ(Ref(kAsIsRoute, "abc-1").state, DeliveryState::kDelivered);
  EXPECT_EQ(Outcome("matched"), 1u);
  EXPECT_EQ(
      metrics_.GetCounter("confab_receipt_states_total", "", {{"state", "delivered"}}).value(), 1u);
}

TEST_F(ReceiptsTest, OnASharedWriterThreadTheReceiptsAreWrittenByIt) {
  processor_.reset();
  std::atomic<int> shared_writes{0};
  store::GroupCommitter shared(
      [&](const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch) {
        shared_writes.fetch_add(1);
        return store_.Write(write_options, batch);
      },
      {});
  processor_ =
      std::make_unique<ReceiptProcessor>(store_, store_.handles(), shared, Options(), metrics_);
  const store::MessageKey key = Submitted(kAsIsRoute, {"abc-1"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("abc-1", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(shared_writes.load(), 1);
  processor_.reset();  // its stream stops before the writer it rides on goes
}

TEST_F(ReceiptsTest, UndeliveredKeepsTheErrorCode) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"abc-2"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("abc-2", "UNDELIV", "034")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kUndelivered);
  EXPECT_EQ(Message(key).delivery_error, "034");
}

TEST_F(ReceiptsTest, EveryFinalStateIsRecorded) {
  const std::pair<const char*, DeliveryState> cases[] = {
      {"EXPIRED", DeliveryState::kExpired},
      {"REJECTD", DeliveryState::kRejected},
      {"UNKNOWN", DeliveryState::kUnknown},
      {"DELETED", DeliveryState::kUndelivered},
      {"undeliverable", DeliveryState::kUndelivered}};
  for (const auto& [stat, state] : cases) {
    const std::string id = absl::StrCat("id-", stat);
    const store::MessageKey key = Submitted(kAsIsRoute, {id});
    EXPECT_EQ(Send(kAsIsRoute, Dlr(id, stat)), CommandStatus::kOk);
    EXPECT_EQ(Message(key).delivery, state) << stat;
  }
}

TEST_F(ReceiptsTest, IntermediateReceiptsChangeNothing) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"abc-3"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("abc-3", "ACCEPTD")), CommandStatus::kOk);
  EXPECT_EQ(
      Offer(kAsIsRoute, Dlr("abc-3", "DELIVRD"), smpp::esm_class::kTypeIntermediateNotification)
          .get(),
      CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kSubmitted);
  EXPECT_EQ(Ref(kAsIsRoute, "abc-3").state, DeliveryState::kSubmitted);
  EXPECT_EQ(Outcome("intermediate"), 2u);
}

TEST_F(ReceiptsTest, AsIsIdsMatchOnlyThemselves) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"00Ab7"});
  auto other_case = Offer(kAsIsRoute, Dlr("00ab7", "DELIVRD"));
  auto no_zeros = Offer(kAsIsRoute, Dlr("Ab7", "DELIVRD"));
  Barrier();
  EXPECT_EQ(processor_->parked(), 2u) << "not ours: they wait for a reference";
  EXPECT_EQ(Send(kAsIsRoute, Dlr("00Ab7", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
  now_ms_ += kParkTime.count();
  processor_->ExpireParked();
  EXPECT_EQ(other_case.get(), CommandStatus::kXTAppn);
  EXPECT_EQ(no_zeros.get(), CommandStatus::kXTAppn);
}

TEST_F(ReceiptsTest, HexReceiptsOfDecimalSubmitIds) {
  // receipt_id_format = hex: the receipt gives in hex what submit_sm_resp gave in decimal.
  const store::MessageKey upper = Submitted(kHexRoute, {"2587"});
  const store::MessageKey lower = Submitted(kHexRoute, {"000123"});
  EXPECT_EQ(Send(kHexRoute, Dlr("0A1B", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Send(kHexRoute, Dlr("7b", "UNDELIV")), CommandStatus::kOk);
  EXPECT_EQ(Message(upper).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(Message(lower).delivery, DeliveryState::kUndelivered);
  // The receipted_message_id TLV repeats the submit_sm_resp id (decimal) and wins over the text.
  const store::MessageKey by_tlv = Submitted(kHexRoute, {"4096"});
  EXPECT_EQ(
      Offer(kHexRoute, Dlr("ffff", "DELIVRD"), smpp::esm_class::kTypeDeliveryReceipt, "0004096")
          .get(),
      CommandStatus::kOk);
  EXPECT_EQ(Message(by_tlv).delivery, DeliveryState::kDelivered);
}

TEST_F(ReceiptsTest, DecimalReceiptsOfHexSubmitIds) {
  const store::MessageKey upper = Submitted(kDecimalRoute, {"0A1B"});
  const store::MessageKey lower = Submitted(kDecimalRoute, {"7b"});
  EXPECT_EQ(Send(kDecimalRoute, Dlr("2587", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Send(kDecimalRoute, Dlr("000123", "REJECTD")), CommandStatus::kOk);
  EXPECT_EQ(Message(upper).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(Message(lower).delivery, DeliveryState::kRejected);
  // Not a decimal number: it does not match the message whose hex id it spells.
  auto wrong_base = Offer(kDecimalRoute, Dlr("7b", "DELIVRD"));
  Barrier();
  EXPECT_EQ(processor_->parked(), 1u);
  EXPECT_FALSE(Ready(wrong_base));
}

TEST_F(ReceiptsTest, MultipartIsDeliveredAfterTheLastPart) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"m-1", "m-2", "m-3"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("m-2", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kSubmitted);
  EXPECT_EQ(Message(key).parts_final, 1);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("m-1", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kSubmitted);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("m-3", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(Message(key).parts_final, 3);
}

TEST_F(ReceiptsTest, ConcurrentPartsDoNotLoseEachOther) {
  for (int round = 0; round < 20; ++round) {
    const std::vector<std::string> ids = {absl::StrCat("c", round, "-1"),
                                          absl::StrCat("c", round, "-2"),
                                          absl::StrCat("c", round, "-3")};
    const store::MessageKey key = Submitted(kAsIsRoute, ids);
    std::vector<std::future<CommandStatus>> answers;
    for (const std::string& id : ids) {
      answers.push_back(Offer(kAsIsRoute, Dlr(id, "DELIVRD")));
    }
    for (auto& answer : answers) {
      EXPECT_EQ(answer.get(), CommandStatus::kOk);
    }
    EXPECT_EQ(Message(key).parts_final, 3) << round;
    EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered) << round;
  }
}

TEST_F(ReceiptsTest, FirstNegativePartDecides) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"n-1", "n-2", "n-3"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("n-1", "DELIVRD")), CommandStatus::kOk);
  now_ms_ += 1000;
  EXPECT_EQ(Send(kAsIsRoute, Dlr("n-2", "UNDELIV", "001")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kUndelivered);
  now_ms_ += 1000;
  EXPECT_EQ(Send(kAsIsRoute, Dlr("n-3", "EXPIRED", "002")), CommandStatus::kOk);
  const store::MessageRecord record = Message(key);
  EXPECT_EQ(record.delivery, DeliveryState::kUndelivered);
  EXPECT_EQ(record.delivery_error, "001");
  EXPECT_EQ(record.updated_ms, kStartMs + 1000);
  EXPECT_EQ(record.parts_final, 3);
  EXPECT_EQ(Ref(kAsIsRoute, "n-3").state, DeliveryState::kExpired);
}

TEST_F(ReceiptsTest, DuplicateReceiptChangesNothing) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"d-1", "d-2"});
  EXPECT_EQ(Send(kAsIsRoute, Dlr("d-1", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("d-1", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("d-1", "UNDELIV")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).parts_final, 1);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kSubmitted);
  EXPECT_EQ(Outcome("duplicate"), 2u);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("d-2", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
}

TEST_F(ReceiptsTest, EarlyReceiptIsParkedThenMatched) {
  auto early = Offer(kHexRoute, Dlr("3039", "DELIVRD"));
  Barrier();
  EXPECT_EQ(processor_->parked(), 1u);
  EXPECT_FALSE(Ready(early)) << "nothing is acknowledged before it is durable";
  const store::MessageKey key = Submitted(kHexRoute, {"12345"});  // the submit_sm_resp id
  processor_->OnCarrierRefsStored(kHexRoute, {SubmitRefId("12345", ReceiptIdFormat::kHex)});
  EXPECT_EQ(early.get(), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(processor_->parked(), 0u);
  EXPECT_EQ(Outcome("parked"), 1u);
}

TEST_F(ReceiptsTest, StoredRefsWakeTheWorkerOnlyWhileAReceiptCouldWaitForThem) {
  Barrier();
  const uint64_t idle = processor_->passes();
  Barrier();
  const uint64_t per_barrier = processor_->passes() - idle;
  // Nothing parked, worker asleep: the dispatcher's word is not needed and wakes nobody.
  for (int i = 0; i < 100; ++i) {
    processor_->OnCarrierRefsStored(kAsIsRoute, {absl::StrCat("submitted-", i)});
  }
  Barrier();
  EXPECT_EQ(processor_->passes() - idle, 2 * per_barrier);

  // With a receipt parked, the same word wakes the worker and decides it.
  auto early = Offer(kAsIsRoute, Dlr("late-ref", "DELIVRD"));
  Barrier();
  ASSERT_EQ(processor_->parked(), 1u);
  const store::MessageKey key = Submitted(kAsIsRoute, {"late-ref"});
  processor_->OnCarrierRefsStored(kAsIsRoute, {"late-ref"});
  EXPECT_EQ(early.get(), CommandStatus::kOk);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
}

TEST_F(ReceiptsTest, UnmatchedEarlyReceiptIsRefusedAfterTheParkTime) {
  auto early = Offer(kAsIsRoute, Dlr("never", "DELIVRD"));
  Barrier();
  now_ms_ += kParkTime.count() - 1;
  processor_->ExpireParked();
  Barrier();  // the expiry pass ran at park time − 1 ms
  EXPECT_FALSE(Ready(early));
  now_ms_ += 1;
  processor_->ExpireParked();
  EXPECT_EQ(early.get(), CommandStatus::kXTAppn);
  EXPECT_EQ(processor_->parked(), 0u);
  EXPECT_EQ(Outcome("expired_park"), 1u);
}

TEST_F(ReceiptsTest, ParkingIsBounded) {
  Start(/*max_parked=*/1);
  auto first = Offer(kAsIsRoute, Dlr("early-1", "DELIVRD"));
  EXPECT_EQ(Offer(kAsIsRoute, Dlr("early-2", "DELIVRD")).get(), CommandStatus::kXTAppn);
  EXPECT_EQ(Outcome("park_full"), 1u);
  EXPECT_FALSE(Ready(first));
  processor_->Stop();  // what is parked gets a temporary error: the carrier retransmits
  EXPECT_EQ(first.get(), CommandStatus::kXTAppn);
}

TEST_F(ReceiptsTest, StoreFailureIsATemporaryErrorAndWritesNothing) {
  const store::MessageKey key = Submitted(kAsIsRoute, {"f-1", "f-2"});
  fail_writes_ = true;
  EXPECT_EQ(Send(kAsIsRoute, Dlr("f-1", "DELIVRD")), CommandStatus::kXTAppn);
  EXPECT_EQ(Message(key).parts_final, 0);
  EXPECT_EQ(Ref(kAsIsRoute, "f-1").state, DeliveryState::kSubmitted);
  fail_writes_ = false;
  // The carrier retransmits: counted once, from what is durable (the overlay was dropped).
  EXPECT_EQ(Send(kAsIsRoute, Dlr("f-1", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Send(kAsIsRoute, Dlr("f-2", "DELIVRD")), CommandStatus::kOk);
  EXPECT_EQ(Message(key).parts_final, 2);
  EXPECT_EQ(Message(key).delivery, DeliveryState::kDelivered);
  EXPECT_EQ(Outcome("failed"), 1u);
}

TEST_F(ReceiptsTest, UnusableReceiptsAreAcknowledged) {
  EXPECT_EQ(Send(kAsIsRoute, "stat:DELIVRD err:000"), CommandStatus::kOk);  // no id
  EXPECT_EQ(Send(kAsIsRoute, "id:77 stat:WHATEVER"), CommandStatus::kOk);   // no state
  EXPECT_EQ(Outcome("unknown_format"), 2u);
}

}  // namespace
}  // namespace confab::outbound
