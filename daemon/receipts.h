#pragma once

// Delivery receipts (product §6, issue #4 "Receipts (DLR)"): a carrier's deliver_sm / data_sm
// with esm_class 0x04 (or 0x20, an intermediate notification) moves the outbound message it names
// from kSubmitted to delivered / undelivered / expired / rejected / unknown.
//
// Contract.
// - Correlation. The dispatcher stores one carrier reference per submitted part, keyed by
//   SubmitRefId(submit_sm_resp id, route's receipt_id_format), in the batch that writes the
//   message record (kSubmitted, segments = parts). A receipt's id is brought to the same form
//   (ReceiptRefId) and looked up. receipt_id_format: `as_is` — the receipt repeats the id
//   exactly (surrounding blanks aside); `hex` — the receipt text gives in hexadecimal the number
//   submit_sm_resp gave in decimal; `decimal` — the reverse. Numbers ignore case and leading
//   zeros ("0A1B" = "a1b" = decimal "2587"); an id that is no number of its format matches only
//   the same text. The receipted_message_id TLV repeats the
//   submit_sm_resp id (SMPP 3.4 §5.3.2.12) and is read in that form; the TLVs win over the text.
// - States. DELIVRD → kDelivered; UNDELIV and DELETED → kUndelivered; EXPIRED → kExpired;
//   REJECTD → kRejected; UNKNOWN → kUnknown (all final). ENROUTE, ACCEPTD and any intermediate
//   notification change nothing. A long message is kDelivered once every part is; the first
//   part with a final negative state decides it otherwise (its error kept in delivery_error).
//   A part's second final receipt is a duplicate: nothing changes, it is answered ESME_ROK.
// - Answers. ESME_ROK only once what the receipt changed is durable (its own commit
//   stream, hold_after_failure); a store failure is ESME_RX_T_APPN and nothing of that batch is
//   written (the carrier retransmits). A receipt without a usable id or state is answered ESME_ROK
//   at once (counted unknown_format): it would never become usable.
// - Early receipts (no durable reference yet: the receipt overtook our submit_sm_resp handling)
//   are parked, at most max_parked (beyond: ESME_RX_T_APPN at once), and decided again when
//   OnCarrierRefsStored names their id, or answered ESME_RX_T_APPN after park_time.
// - Threads. OnReceipt parses on the caller's thread (the PDU's views may die after it) and
//   queues; one worker thread decides every receipt in order, against an overlay of records whose
//   writes are in flight, so two parts of one message never lose each other's update; the
//   committer's thread answers. RocksDB never runs on the caller's (I/O) thread. The worker owns
//   the park timer. This processor must be the only writer of an outbound message's record and
//   references once the dispatcher has stored them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "smpp/pdu.h"
#include "smpp/receipt.h"
#include "store/group_commit.h"
#include "store/kv.h"
#include "store/records.h"

namespace confab::outbound {

// The carrier_refs key form of the id a submit_sm_resp returned, on a route with `format`.
std::string SubmitRefId(std::string_view submit_id, config::ReceiptIdFormat format);
// The same form for a parsed receipt's id (TLV id as a submit id, text id in the receipt format).
std::string ReceiptRefId(const smpp::DeliveryReceipt& receipt, config::ReceiptIdFormat format);
// The delivery state a receipt's message_state gives a part; nullopt when it is not final.
std::optional<store::DeliveryState> PartStateOf(smpp::MessageState state);
// Applies one part's first final receipt (`parts` parts in all) to its message record.
void ApplyPartReceipt(store::MessageRecord& record, uint8_t parts, store::DeliveryState part_state,
                      std::string_view error, uint64_t now_ms);

struct ReceiptOptions {
  // receipt_id_format per route (config.carriers order); a route beyond the end is as_is.
  std::vector<config::ReceiptIdFormat> id_formats;
  std::size_t queue_capacity = 20000;  // receipts waiting for the worker; beyond: ESME_RTHROTTLED
  std::size_t max_parked = 10000;      // early receipts held; beyond: ESME_RX_T_APPN at once
  std::chrono::milliseconds park_time{10000};
  std::size_t max_group = 1000;   // receipts decided into one batch
  std::size_t max_in_flight = 4;  // batches handed to the committer and not yet durable
  // The processor's own committer: sync per [store].durability, group limits as the store's;
  // hold_after_failure is forced on (later batches build on the earlier ones' overlay).
  store::GroupCommitOptions commit;
  std::function<uint64_t()> clock;  // ms since the epoch; null = the system clock
};

using ReceiptAnswer = absl::AnyInvocable<void(smpp::CommandStatus) &&>;

class ReceiptProcessor {
 public:
  // Reads committed state from `source`; stages writes with `handles` and makes them durable
  // through its own GroupCommitter over `writer`. Starts the worker and committer threads.
  ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                   store::GroupWriter writer, ReceiptOptions options, metrics::Registry& metrics);
  // The same, with the processor's batches as a stream of `writer`'s groups (the daemon: the
  // store's one writer thread); options.commit gives the stream's queue limit.
  ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                   store::GroupCommitter& writer, ReceiptOptions options,
                   metrics::Registry& metrics);
  ~ReceiptProcessor();  // Stop()
  ReceiptProcessor(const ReceiptProcessor&) = delete;
  ReceiptProcessor& operator=(const ReceiptProcessor&) = delete;

  // A receipt from `route` (deliver_sm or data_sm); `answer` gets its command_status once, on
  // this thread (at once) or on the processor's threads. Thread-safe.
  void OnReceipt(uint32_t route, const smpp::Pdu& receipt, ReceiptAnswer answer);
  // The dispatcher made references for `ids` (SubmitRefId forms) on `route` durable: parked
  // receipts for them are decided again. Thread-safe; cheap when nothing is parked.
  void OnCarrierRefsStored(uint32_t route, std::vector<std::string> ids);
  // Answers the parked receipts whose park_time has passed (the worker also does this by itself
  // when the earliest is due by the real clock; tests with a fake clock call it).
  void ExpireParked();
  // Refuses new receipts (ESME_RX_T_APPN), decides and commits those queued, answers the parked
  // ESME_RX_T_APPN, stops the threads. Idempotent.
  void Stop();

  std::size_t parked() const;
  // Passes the worker has made (one per wake-up). For tests.
  uint64_t passes() const;

 private:
  struct Impl;  // receipts_internal.h
  using MakeCommitter =
      absl::FunctionRef<std::unique_ptr<store::GroupCommitter>(const store::GroupCommitOptions&)>;
  ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                   MakeCommitter make_committer, ReceiptOptions options,
                   metrics::Registry& metrics);

  std::unique_ptr<Impl> impl_;
};

}  // namespace confab::outbound
