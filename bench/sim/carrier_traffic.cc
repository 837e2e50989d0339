// Carrier traffic: MOs out (SendMo), MTs in (OnRequest) with their faults, receipts.

#include <ctime>

#include "bench/sim/carrier.h"
#include "boost/asio/steady_timer.hpp"
#include "fmt/format.h"
#include "smpp/codec.h"
#include "smpp/receipt.h"
#include "smpp/segment.h"
#include "smpp/udh.h"

namespace confab::sim {
namespace {

using smpp::CommandStatus;

std::string_view WireAddress(std::string_view address) {
  return !address.empty() && address.front() == '+' ? address.substr(1) : address;
}

smpp::Address Numeric(std::string_view address) {
  return smpp::Address{static_cast<uint8_t>(smpp::Ton::kInternational),
                       static_cast<uint8_t>(smpp::Npi::kIsdn), WireAddress(address)};
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReceiptDate(std::chrono::system_clock::time_point at) {
  std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:02d}{:02d}{:02d}{:02d}{:02d}", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min);
}

// Shared by the parts of one MO; completions run on the one session's strand.
struct MoState {
  int remaining = 0;
  MoResult result;
  MoCompletion done;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const PreparedMo>> Carrier::PrepareMo(std::string_view source,
                                                                     std::string_view destination,
                                                                     std::string_view text) {
  smpp::SegmentOptions segment_options;
  segment_options.mode = smpp::ConcatMode::kUdh8;
  auto segmented = smpp::SegmentText(text, segment_options, [&] { return next_ref_++; });
  if (!segmented.ok()) {
    return segmented.status();
  }
  if (segmented->parts.empty()) {
    return absl::InvalidArgumentError("MO text encodes to no part");
  }
  auto mo = std::make_shared<PreparedMo>();
  mo->source = WireAddress(source);
  mo->destination = WireAddress(destination);
  mo->data_coding = segmented->data_coding;
  mo->parts = std::move(segmented->parts);
  return mo;
}

smpp::Pdu Carrier::PartPdu(const PreparedMo& mo, std::size_t index) const {
  const smpp::MessagePart& part = mo.parts[index];
  smpp::ShortMessageBody body;
  body.source = Numeric(mo.source);
  body.destination = Numeric(mo.destination);
  body.esm_class = part.esm_class_flags;
  body.data_coding = mo.data_coding;
  body.short_message = part.short_message;
  return options_.mode == CarrierOptions::Mode::kEsme ? smpp::MakePdu(smpp::SubmitSm{body}, 0)
                                                      : smpp::MakePdu(smpp::DeliverSm{body}, 0);
}

void Carrier::SendPart(std::shared_ptr<const PreparedMo> mo, std::size_t index,
                       PartCompletion done) {
  auto session = PickSession();
  if (!session || index >= mo->parts.size()) {
    done(session ? std::make_error_code(std::errc::invalid_argument)
                 : make_error_code(smpp::SessionError::kNotAllowed),
         CommandStatus::kOk);
    return;
  }
  // The PDU's fields view `mo`, which lives until Submit has encoded it (before it returns).
  session->Submit(PartPdu(*mo, index),
                  [done = std::move(done)](std::error_code ec, smpp::Response response) {
                    done(ec, ec ? CommandStatus::kOk : response.status());
                  });
  Count(&CarrierCounters::mo_parts_sent);
}

void Carrier::SendMo(std::string_view source, std::string_view destination, std::string_view text,
                     MoCompletion done) {
  auto session = PickSession();
  if (!session) {
    done(MoResult{smpp::SessionError::kNotAllowed, CommandStatus::kOk, 0});
    return;
  }
  auto mo = PrepareMo(source, destination, text);
  if (!mo.ok()) {
    done(MoResult{std::make_error_code(std::errc::invalid_argument), CommandStatus::kOk, 0});
    return;
  }
  const int copies = options_.faults.duplicate_mo ? 2 : 1;
  auto state = std::make_shared<MoState>();
  state->remaining = static_cast<int>((*mo)->parts.size()) * copies;
  state->result.parts = state->remaining;
  state->done = std::move(done);
  for (std::size_t i = 0; i < (*mo)->parts.size(); ++i) {
    const smpp::Pdu pdu = PartPdu(**mo, i);
    for (int copy = 0; copy < copies; ++copy) {  // a duplicate gets a new sequence number
      session->Submit(pdu, [state](std::error_code ec, smpp::Response response) {
        if (ec && !state->result.error) {
          state->result.error = ec;
        } else if (!ec && response.status() != CommandStatus::kOk &&
                   state->result.status == CommandStatus::kOk) {
          state->result.status = response.status();
        }
        if (--state->remaining == 0) {
          state->done(state->result);
        }
      });
    }
  }
  Count(&CarrierCounters::mo_parts_sent, static_cast<uint64_t>(state->result.parts));
}

void Carrier::OnRequest(smpp::Session& session, const smpp::Pdu& request,
                        smpp::Responder responder) {
  const bool esme = options_.mode == CarrierOptions::Mode::kEsme;
  const smpp::ShortMessageBody* body = nullptr;
  if (!esme) {
    body = std::get_if<smpp::SubmitSm>(&request.body);
  } else if (const auto* deliver = std::get_if<smpp::DeliverSm>(&request.body)) {
    if (smpp::IsDeliveryReceipt(deliver->esm_class)) {
      responder.Respond(CommandStatus::kOk);
      return;
    }
    body = deliver;
  }
  if (body == nullptr) {
    responder.Respond(CommandStatus::kInvCmdId);
    return;
  }
  const uint64_t n = ++mt_seen_;
  MtFault fault = FaultForDestination(body->destination.addr);
  if (fault == MtFault::kNone) {
    fault = options_.faults.every_mt;
  }
  if (options_.faults.disconnect_after != 0 && n == options_.faults.disconnect_after) {
    fault = MtFault::kDisconnect;
  }
  {
    std::lock_guard lock(mutex_);
    ++counters_.mt_parts_received;
    counters_.faults_applied += fault != MtFault::kNone ? 1 : 0;
    if (fault == MtFault::kNoResponse || fault == MtFault::kDisconnect) {
      held_.emplace_back(&session, std::move(responder));  // dropped unanswered on close
    }
  }
  switch (fault) {
    case MtFault::kThrottle:
      responder.Respond(CommandStatus::kThrottled);
      return;
    case MtFault::kQueueFull:
      responder.Respond(CommandStatus::kMsgQFul);
      return;
    case MtFault::kNoResponse:
      return;
    case MtFault::kDisconnect:
      session.Close(std::make_error_code(std::errc::connection_aborted));
      return;
    default:
      break;
  }
  const std::string id = fmt::format("{:x}", next_id_++);
  RecordMt(*body, id);
  const uint8_t wanted = body->registered_delivery & smpp::registered_delivery::kReceiptMask;
  const bool undeliverable = fault == MtFault::kUndeliverable;
  const bool receipt = !esme && (options_.receipts || undeliverable) &&
                       (wanted == smpp::registered_delivery::kReceiptOnSuccessOrFailure ||
                        (wanted == smpp::registered_delivery::kReceiptOnFailure && undeliverable));
  auto answer = [self = shared_from_this(), weak = session.weak_from_this(),
                 responder = std::move(responder), id, esme, receipt, undeliverable,
                 from = E164(body->destination.addr), to = E164(body->source.addr)]() mutable {
    if (esme) {
      responder.Respond(CommandStatus::kOk);
    } else {
      responder.RespondMessageId(id);
    }
    self->Count(&CarrierCounters::mt_parts_ok);
    if (receipt) {
      auto timer = std::make_shared<boost::asio::steady_timer>(self->executor_,
                                                               self->options_.receipt_delay);
      timer->async_wait([timer, self, weak, id, from, to, undeliverable](auto /*ec*/) {
        self->SendReceipt(weak, id, from, to, !undeliverable);
      });
    }
  };
  if (fault == MtFault::kSlow) {
    auto timer = std::make_shared<boost::asio::steady_timer>(executor_, options_.faults.slow_delay);
    timer->async_wait([timer, answer = std::move(answer)](auto /*ec*/) mutable { answer(); });
  } else {
    answer();
  }
}

void Carrier::SendReceipt(std::weak_ptr<smpp::Session> weak, std::string message_id,
                          std::string from, std::string to, bool delivered) {
  auto session = weak.lock();
  if (!session) {
    return;
  }
  const std::string date = ReceiptDate(std::chrono::system_clock::now());
  const std::string text = fmt::format(
      "id:{} sub:001 dlvrd:{} submit date:{} done date:{} stat:{} err:{} text:", message_id,
      delivered ? "001" : "000", date, date, delivered ? "DELIVRD" : "UNDELIV",
      delivered ? "000" : "001");
  const std::string receipted = message_id + '\0';  // a C-Octet String TLV keeps its NUL
  const uint8_t state = static_cast<uint8_t>(delivered ? smpp::MessageState::kDelivered
                                                       : smpp::MessageState::kUndeliverable);
  smpp::DeliverSm body;
  body.source = Numeric(from);
  body.destination = Numeric(to);
  body.esm_class = smpp::esm_class::kTypeDeliveryReceipt;
  body.short_message = Bytes(text);
  body.tlvs.Add(smpp::tlv::kReceiptedMessageId, Bytes(receipted));
  body.tlvs.Add(smpp::tlv::kMessageState, std::span<const uint8_t>(&state, 1));
  session->Submit(smpp::MakePdu(body, 0), [](std::error_code, smpp::Response) {});
  Count(&CarrierCounters::receipts_sent);
}

}  // namespace confab::sim
