#include "daemon/inbound_part.h"

#include <xxhash.h>

#include <cstring>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/string_view.h"
#include "daemon/esme_status.h"
#include "smpp/types.h"

namespace confab::pipeline {
namespace {

// The fields of deliver_sm / submit_sm / data_sm the pipeline reads.
struct MessageFields {
  smpp::Address source;
  smpp::Address destination;
  uint8_t esm_class = 0;
  uint8_t data_coding = 0;
  std::span<const uint8_t> user_data;
  const smpp::TlvList* tlvs = nullptr;
};

std::optional<MessageFields> FieldsOf(const smpp::PduBody& body) {
  if (const auto* sm = std::get_if<smpp::DeliverSm>(&body)) {
    return MessageFields{sm->source,      sm->destination, sm->esm_class,
                         sm->data_coding, sm->UserData(),  &sm->tlvs};
  }
  if (const auto* sm = std::get_if<smpp::SubmitSm>(&body)) {
    return MessageFields{sm->source,      sm->destination, sm->esm_class,
                         sm->data_coding, sm->UserData(),  &sm->tlvs};
  }
  if (const auto* data = std::get_if<smpp::DataSm>(&body)) {
    std::span<const uint8_t> user_data;
    if (auto payload = data->tlvs.MessagePayload()) {
      user_data = *payload;
    }
    return MessageFields{data->source,      data->destination, data->esm_class,
                         data->data_coding, user_data,         &data->tlvs};
  }
  return std::nullopt;
}

bool IsReceipt(uint8_t esm_class) {
  const uint8_t type = esm_class & smpp::esm_class::kTypeMask;
  return type == smpp::esm_class::kTypeDeliveryReceipt ||
         type == smpp::esm_class::kTypeIntermediateNotification;
}

// Fixed fields are packed into a small buffer; its hash seeds the hash of the user data. No
// allocation, and stable across processes and versions (XXH3 is a fixed algorithm).
class Hasher {
 public:
  template <typename T>
  void Add(const T& value) {
    static_assert(sizeof(T) <= 8);
    std::memcpy(buffer_ + size_, &value, sizeof(T));
    size_ += sizeof(T);
  }
  uint64_t Digest(std::span<const uint8_t> bytes = {}) const {
    return XXH3_64bits_withSeed(bytes.data(), bytes.size(), XXH3_64bits(buffer_, size_));
  }

 private:
  uint8_t buffer_[64] = {};
  std::size_t size_ = 0;
};

}  // namespace

absl::StatusOr<InboundPart> ReadInbound(uint32_t route, const smpp::Pdu& request,
                                        const BrandDirectory& brands, uint64_t now_ms) {
  InboundPart part;
  part.route = route;
  part.command = request.header.id();
  part.received_ms = now_ms;
  std::optional<MessageFields> fields = FieldsOf(request.body);
  if (!fields) {
    return EsmeError(absl::StatusCode::kInvalidArgument, smpp::CommandStatus::kInvCmdId,
                     "not a message PDU");
  }
  if (IsReceipt(fields->esm_class)) {
    part.receipt = true;
    return part;
  }
  part.brand = brands.Find(fields->destination.addr, fields->destination.ton);
  if (part.brand == nullptr) {
    return EsmeError(absl::StatusCode::kInvalidArgument, smpp::CommandStatus::kInvDstAdr,
                     absl::StrCat("destination ", Sv(fields->destination.addr),
                                  " is not a brand number of this gateway"));
  }
  absl::StatusOr<std::string> subscriber =
      NormalizeSubscriber(fields->source.addr, fields->source.ton, part.brand->default_country);
  if (!subscriber.ok()) {
    return EsmeError(absl::StatusCode::kInvalidArgument, smpp::CommandStatus::kInvSrcAdr,
                     StdSv(subscriber.status().message()));
  }
  absl::StatusOr<uint64_t> profile = store::NumberId(*subscriber);
  if (!profile.ok()) {
    return EsmeError(absl::StatusCode::kInvalidArgument, smpp::CommandStatus::kInvSrcAdr,
                     StdSv(profile.status().message()));
  }
  part.thread = {part.brand->id, *profile};
  absl::StatusOr<smpp::SplitUserDataResult> split =
      smpp::SplitUserData(fields->esm_class, fields->user_data, fields->tlvs->SarMsgRefNum(),
                          fields->tlvs->SarTotalSegments(), fields->tlvs->SarSegmentSeqnum());
  if (!split.ok()) {
    const bool udh = (fields->esm_class & smpp::esm_class::kUdhi) != 0;
    return EsmeError(absl::StatusCode::kInvalidArgument,
                     udh ? smpp::CommandStatus::kInvEsmClass : smpp::CommandStatus::kInvOptParamVal,
                     StdSv(split.status().message()));
  }
  part.data_coding = fields->data_coding;
  part.concat = split->concat;
  part.udh_octets = static_cast<uint8_t>(split->udh_octets);
  part.payload.assign(split->payload.begin(), split->payload.end());
  part.idempotency = PartHash(part);
  return part;
}

uint64_t PartHash(const InboundPart& part) {
  Hasher hash;
  hash.Add(part.route);
  hash.Add(part.thread.brand);
  hash.Add(part.thread.profile);
  hash.Add(part.data_coding);
  if (part.concat) {
    hash.Add(part.concat->ref);
    hash.Add(part.concat->total);
    hash.Add(part.concat->seq);
    hash.Add(static_cast<uint8_t>(part.concat->ref16));
  }
  return hash.Digest(part.payload);
}

uint64_t LongMessageHash(const store::ThreadId& thread, const smpp::ConcatInfo& concat) {
  Hasher hash;
  hash.Add(uint8_t{0xFF});  // never equal to a part's hash input
  hash.Add(thread.brand);
  hash.Add(thread.profile);
  hash.Add(concat.ref);
  hash.Add(concat.total);
  hash.Add(static_cast<uint8_t>(concat.ref16));
  return hash.Digest();
}

}  // namespace confab::pipeline
