// Receipt ids and states, and the processor's entry points (parsing happens on the caller's
// thread so that the PDU's views may die once OnReceipt returns).

#include "daemon/receipts.h"

#include <algorithm>
#include <span>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/thread_name.h"
#include "daemon/receipts_internal.h"
#include "store/schema.h"

namespace confab::outbound {
namespace {

struct IdForms {
  smpp::MessageIdFormat submit;
  smpp::MessageIdFormat receipt_text;
};

IdForms FormsOf(config::ReceiptIdFormat format) {
  switch (format) {
    case config::ReceiptIdFormat::kHex:
      return {smpp::MessageIdFormat::kDecimal, smpp::MessageIdFormat::kHex};
    case config::ReceiptIdFormat::kDecimal:
      return {smpp::MessageIdFormat::kHex, smpp::MessageIdFormat::kDecimal};
    case config::ReceiptIdFormat::kAsIs:
      break;
  }
  return {smpp::MessageIdFormat::kAsIs, smpp::MessageIdFormat::kAsIs};
}

// The user data and TLVs of a receipt PDU; nullopt for anything but deliver_sm / data_sm.
struct ReceiptFields {
  uint8_t esm_class = 0;
  std::span<const uint8_t> text;
  const smpp::TlvList* tlvs = nullptr;
};

std::optional<ReceiptFields> FieldsOf(const smpp::PduBody& body) {
  if (const auto* deliver = std::get_if<smpp::DeliverSm>(&body)) {
    return ReceiptFields{deliver->esm_class, deliver->UserData(), &deliver->tlvs};
  }
  if (const auto* data = std::get_if<smpp::DataSm>(&body)) {
    return ReceiptFields{data->esm_class,
                         data->tlvs.MessagePayload().value_or(std::span<const uint8_t>{}),
                         &data->tlvs};
  }
  return std::nullopt;
}

// The carrier's error for the record: its err text, else the network_error_code TLV.
std::string ErrorOf(const smpp::DeliveryReceipt& receipt) {
  if (!receipt.err.empty()) {
    return receipt.err;
  }
  if (receipt.network_error) {
    return absl::StrCat("net", receipt.network_error->network_type, ":",
                        receipt.network_error->code);
  }
  return {};
}

// NormalizeMessageId, except that an id which is not a number of its (numeric) format gets a
// mark: its as-is fallback could otherwise equal another message's hexadecimal form ("7b" read
// as decimal would match hex 7B), so such an id only ever matches itself.
std::string RefId(std::string_view id, smpp::MessageIdFormat format) {
  std::string normal = smpp::NormalizeMessageId(id, format);
  if (format == smpp::MessageIdFormat::kAsIs) {
    return normal;
  }
  const std::string plain = smpp::NormalizeMessageId(id, smpp::MessageIdFormat::kAsIs);
  const bool number = !plain.empty() && std::all_of(plain.begin(), plain.end(), [format](char c) {
    return format == smpp::MessageIdFormat::kHex ? absl::ascii_isxdigit(c) : absl::ascii_isdigit(c);
  });
  return number ? normal : absl::StrCat("=", plain);
}

}  // namespace

std::string SubmitRefId(std::string_view submit_id, config::ReceiptIdFormat format) {
  return RefId(submit_id, FormsOf(format).submit);
}

std::string ReceiptRefId(const smpp::DeliveryReceipt& receipt, config::ReceiptIdFormat format) {
  const IdForms forms = FormsOf(format);
  return RefId(receipt.message_id, receipt.id_from_tlv ? forms.submit : forms.receipt_text);
}

std::optional<store::DeliveryState> PartStateOf(smpp::MessageState state) {
  switch (state) {
    case smpp::MessageState::kDelivered:
      return store::DeliveryState::kDelivered;
    case smpp::MessageState::kUndeliverable:
    case smpp::MessageState::kDeleted:
      return store::DeliveryState::kUndelivered;
    case smpp::MessageState::kExpired:
      return store::DeliveryState::kExpired;
    case smpp::MessageState::kRejected:
      return store::DeliveryState::kRejected;
    case smpp::MessageState::kUnknown:
      return store::DeliveryState::kUnknown;
    case smpp::MessageState::kEnroute:
    case smpp::MessageState::kAccepted:
      break;  // on its way; ACCEPTD is what most SMSCs send before the outcome
  }
  return std::nullopt;
}

void ApplyPartReceipt(store::MessageRecord& record, uint8_t parts, store::DeliveryState part_state,
                      std::string_view error, uint64_t now_ms) {
  record.parts_final = static_cast<uint8_t>(std::min(255, record.parts_final + 1));
  if (store::IsFinal(record.delivery)) {
    return;  // decided by an earlier part (a negative one), or already delivered
  }
  if (part_state != store::DeliveryState::kDelivered) {
    record.delivery = part_state;
    record.delivery_error = std::string(error);
    record.updated_ms = now_ms;
  } else if (record.parts_final >= parts) {
    record.delivery = store::DeliveryState::kDelivered;
    record.updated_ms = now_ms;
  }
}

ReceiptProcessor::ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                                   store::GroupWriter writer, ReceiptOptions options,
                                   metrics::Registry& metrics)
    : ReceiptProcessor(
          source, handles,
          [&writer](const store::GroupCommitOptions& commit) {
            return std::make_unique<store::GroupCommitter>(std::move(writer), commit);
          },
          std::move(options), metrics) {}

ReceiptProcessor::ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                                   store::GroupCommitter& writer, ReceiptOptions options,
                                   metrics::Registry& metrics)
    : ReceiptProcessor(
          source, handles,
          [&writer](const store::GroupCommitOptions& commit) {
            return std::make_unique<store::GroupCommitter>(writer, commit);
          },
          std::move(options), metrics) {}

ReceiptProcessor::ReceiptProcessor(const store::KvSource& source, const store::CfHandles& handles,
                                   MakeCommitter make_committer, ReceiptOptions options,
                                   metrics::Registry& metrics) {
  if (!options.clock) {
    options.clock = [] { return static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())); };
  }
  impl_ = std::make_unique<Impl>(source, handles, make_committer, std::move(options), metrics);
  impl_->thread = std::thread([impl = impl_.get()] {
    NameThisThread("receipts");
    impl->Run();
  });
}

ReceiptProcessor::~ReceiptProcessor() { Stop(); }

void ReceiptProcessor::OnReceipt(uint32_t route, const smpp::Pdu& receipt, ReceiptAnswer answer) {
  const std::optional<ReceiptFields> fields = FieldsOf(receipt.body);
  std::optional<smpp::DeliveryReceipt> parsed;
  if (fields) {
    const smpp::ReceiptTlvs tlvs{
        fields->tlvs->ReceiptedMessageId(),
        fields->tlvs->GetMessageState()
            ? std::optional<uint8_t>(static_cast<uint8_t>(*fields->tlvs->GetMessageState()))
            : std::nullopt,
        fields->tlvs->NetworkErrorCode()};
    const std::string_view text(reinterpret_cast<const char*>(fields->text.data()),
                                fields->text.size());
    absl::StatusOr<smpp::DeliveryReceipt> result = smpp::ParseDeliveryReceipt(text, tlvs);
    if (result.ok()) {
      parsed = *std::move(result);
    }
  }
  if (!parsed || !parsed->state) {
    impl_->counters.unknown_format.Add();
    std::move(answer)(smpp::CommandStatus::kOk);  // it would never become usable
    return;
  }
  const config::ReceiptIdFormat format = route < impl_->options.id_formats.size()
                                             ? impl_->options.id_formats[route]
                                             : config::ReceiptIdFormat::kAsIs;
  ReceiptWork work;
  work.route = route;
  work.id = ReceiptRefId(*parsed, format);
  work.ref_key = store::CarrierRefKey(route, work.id);
  const bool intermediate = (fields->esm_class & smpp::esm_class::kTypeMask) ==
                            smpp::esm_class::kTypeIntermediateNotification;
  work.state = intermediate ? std::nullopt : PartStateOf(*parsed->state);
  work.error = ErrorOf(*parsed);
  work.answer = std::move(answer);
  impl_->Enqueue(std::move(work));
}

void ReceiptProcessor::OnCarrierRefsStored(uint32_t route, std::vector<std::string> ids) {
  {
    std::lock_guard lock(impl_->mutex);
    // Nothing parked and no pass under way: every receipt is decided later, against the store
    // that already holds these references, so nobody can be waiting for them. This is the
    // common case (one call per submitted message), and waking the worker for it cost a
    // context switch each time. During a pass the ids are queued: a receipt being decided right
    // now may have missed them and be about to park.
    if (!impl_->deciding && impl_->parked_count.load() == 0) {
      return;
    }
    impl_->stored.emplace_back(route, std::move(ids));
  }
  impl_->wake.notify_one();
}

void ReceiptProcessor::ExpireParked() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->expire_requested = true;
  }
  impl_->wake.notify_one();
}

void ReceiptProcessor::Stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) {
      return;
    }
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
  impl_->committer->Stop();
}

std::size_t ReceiptProcessor::parked() const { return impl_->parked_count.load(); }

uint64_t ReceiptProcessor::passes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->passes;
}

}  // namespace confab::outbound
