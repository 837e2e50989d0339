// MT reassembly: the daemon's long replies arrive as UDH or SAR parts; on_mt gets them whole.

#include "bench/sim/carrier.h"
#include "smpp/text_coding.h"
#include "smpp/udh.h"

namespace confab::sim {

void Carrier::RecordMt(const smpp::ShortMessageBody& body, const std::string& message_id) {
  MtMessage mt;
  mt.source = E164(body.source.addr);
  mt.destination = E164(body.destination.addr);
  mt.received_at = SteadyClock::now();
  auto split = smpp::SplitUserData(body.esm_class, body.UserData(), body.tlvs.SarMsgRefNum(),
                                   body.tlvs.SarTotalSegments(), body.tlvs.SarSegmentSeqnum());
  if (!split.ok() || !split->concat || split->concat->total == 1) {
    // A single part (or a UDH we cannot parse: decode it all rather than drop it).
    std::span<const uint8_t> payload = split.ok() ? split->payload : body.UserData();
    mt.text = smpp::DecodeUserData(body.data_coding, payload).utf8;
    mt.message_ids.push_back(message_id);
    if (on_mt_) {
      on_mt_(mt);
    }
    return;
  }
  smpp::PartKey key{"",
                    mt.source,
                    mt.destination,
                    split->concat->ref,
                    split->concat->total,
                    split->concat->ref16};
  smpp::StoredPart part{split->concat->seq, body.data_coding,
                        static_cast<uint8_t>(split->udh_octets),
                        std::vector<uint8_t>(split->payload.begin(), split->payload.end()),
                        std::chrono::system_clock::now()};
  {
    std::lock_guard lock(mutex_);
    auto added = reassembler_.Add(key, part);
    if (!added.ok() || added->outcome == smpp::Reassembler::Outcome::kDuplicate) {
      return;
    }
    part_ids_[key].push_back(message_id);
    if (added->outcome != smpp::Reassembler::Outcome::kCompleted || !added->message) {
      return;
    }
    mt.text = smpp::DecodeReassembled(*added->message).utf8;
    mt.parts = static_cast<int>(added->message->parts.size());
    mt.message_ids = std::move(part_ids_[key]);
    part_ids_.erase(key);
  }
  if (on_mt_) {
    on_mt_(mt);
  }
}

}  // namespace confab::sim
