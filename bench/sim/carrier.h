#pragma once

// The carrier side of the simulator: an SMSC the daemon binds to (SmscServer), or, for a daemon
// carrier in `listen` mode, an ESME that binds to the daemon (EsmeClient). Either way it sends
// MOs and answers the daemon's MTs:
//  - SMSC mode: MOs go out as deliver_sm; the daemon's submit_sm get submit_sm_resp with a
//    unique hex message id and, when asked (`receipts`, registered_delivery), a delivery receipt
//    (deliver_sm, esm_class 0x04, `id:… stat:DELIVRD …`, receipted_message_id + message_state
//    TLVs) after `receipt_delay`.
//  - ESME mode: the SMPP roles forbid an ESME to send deliver_sm, so MOs go out as submit_sm
//    and the daemon's MTs arrive as deliver_sm; no receipts.
// MOs are encoded GSM 7-bit or UCS-2 by content and cut into UDH (8-bit ref) parts when long.
// MTs are reassembled (UDH or SAR) and handed to `on_mt` whole, decoded to UTF-8.
// Faults (carrier_faults.h) apply per run or per MT by magic destination number.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/sim/carrier_faults.h"
#include "boost/asio/any_io_executor.hpp"
#include "smpp/esme_client.h"
#include "smpp/reassembly.h"
#include "smpp/segment.h"
#include "smpp/smsc_server.h"

namespace confab::sim {

using SteadyClock = std::chrono::steady_clock;

struct CarrierOptions {
  enum class Mode { kSmsc, kEsme };
  Mode mode = Mode::kSmsc;
  std::string host = "127.0.0.1";  // SMSC: listen address; ESME: the daemon's address
  uint16_t port = 0;               // SMSC: 0 picks a free port
  std::string system_id = "confab";
  std::string password = "secret";
  bool receipts = false;
  smpp::Millis receipt_delay{0};
  CarrierFaults faults;
  smpp::SessionOptions session;
  uint64_t message_id_base = 0x10000000;
};

// An MT from the daemon, reassembled. Addresses are E.164 ("+" and digits) when numeric.
struct MtMessage {
  std::string source;
  std::string destination;
  std::string text;
  std::vector<std::string> message_ids;  // one per part (empty in ESME mode)
  int parts = 1;
  SteadyClock::time_point received_at;
};

struct MoResult {
  std::error_code error;  // transport error (timeout, closed, not bound)
  smpp::CommandStatus status = smpp::CommandStatus::kOk;  // first non-OK part status
  int parts = 0;                                          // PDUs sent, duplicates included
};
using MoCompletion = std::function<void(const MoResult&)>;
// One part's outcome: a transport error, or the deliver_sm_resp (submit_sm_resp) status.
using PartCompletion = std::function<void(std::error_code, smpp::CommandStatus)>;

// An MO cut into its parts once (encoding and UDH reference fixed), so that a retransmission
// carries exactly the same content; only the sequence number differs.
struct PreparedMo {
  std::string source;       // wire form (digits)
  std::string destination;  // wire form (digits)
  uint8_t data_coding = 0;
  std::vector<smpp::MessagePart> parts;
};
using MtCallback = std::function<void(const MtMessage&)>;

struct CarrierCounters {
  uint64_t mo_parts_sent = 0;
  uint64_t mt_parts_received = 0;
  uint64_t mt_parts_ok = 0;
  uint64_t faults_applied = 0;
  uint64_t receipts_sent = 0;
  uint64_t binds = 0;
  uint64_t binds_refused = 0;
};

class Carrier : public smpp::SessionHandler, public std::enable_shared_from_this<Carrier> {
 public:
  static absl::StatusOr<std::shared_ptr<Carrier>> Start(boost::asio::any_io_executor executor,
                                                        CarrierOptions options, MtCallback on_mt);
  ~Carrier() override;

  uint16_t port() const { return port_; }  // SMSC mode: the listening port
  // Blocks until a session that can carry MOs is bound, or `timeout` passes.
  bool WaitBound(std::chrono::milliseconds timeout);
  bool bound() const;
  // Sends one MO (all its parts, twice with --duplicate-mo); `done` runs once every part got
  // its response or failed. Thread-safe.
  void SendMo(std::string_view source, std::string_view destination, std::string_view text,
              MoCompletion done);
  // Encodes and segments an MO (a fresh UDH reference); InvalidArgument if it cannot be.
  absl::StatusOr<std::shared_ptr<const PreparedMo>> PrepareMo(std::string_view source,
                                                              std::string_view destination,
                                                              std::string_view text);
  // Sends part `index` of `mo` once on a bound session; kNotAllowed at once when none is bound.
  // `done` runs on the session's strand (or inline when nothing was sent). Thread-safe.
  void SendPart(std::shared_ptr<const PreparedMo> mo, std::size_t index, PartCompletion done);
  boost::asio::any_io_executor executor() const { return executor_; }
  // Unbinds / stops; `done` runs when everything is closed. Call once.
  void Stop(std::function<void()> done);
  CarrierCounters counters() const;
  const CarrierOptions& options() const { return options_; }

  // SessionHandler.
  void OnRequest(smpp::Session& session, const smpp::Pdu& request,
                 smpp::Responder responder) override;
  smpp::CommandStatus OnBind(smpp::Session& session, const smpp::BindRequest& request) override;
  void OnBound(smpp::Session& session) override;
  void OnClosed(smpp::Session& session, std::error_code reason) override;

 private:
  Carrier(boost::asio::any_io_executor executor, CarrierOptions options, MtCallback on_mt);
  smpp::CommandStatus Authenticate(const smpp::BindRequest& request);
  std::shared_ptr<smpp::Session> PickSession();
  smpp::Pdu PartPdu(const PreparedMo& mo, std::size_t index) const;
  void HandleMt(smpp::Session& session, const smpp::ShortMessageBody& body,
                smpp::Responder responder);
  void AnswerMt(std::shared_ptr<smpp::Session> session, smpp::Responder responder,
                const smpp::ShortMessageBody& body, bool undeliverable);
  void RecordMt(const smpp::ShortMessageBody& body, const std::string& message_id);
  void SendReceipt(std::weak_ptr<smpp::Session> session, std::string message_id, std::string from,
                   std::string to, bool delivered);
  void Count(uint64_t CarrierCounters::*field, uint64_t n = 1);

  boost::asio::any_io_executor executor_;
  CarrierOptions options_;
  MtCallback on_mt_;
  std::shared_ptr<smpp::SmscServer> server_;
  std::shared_ptr<smpp::EsmeClient> client_;
  uint16_t port_ = 0;
  std::atomic<uint64_t> next_id_{0};
  std::atomic<uint16_t> next_ref_{1};
  std::atomic<uint64_t> mt_seen_{0};

  mutable std::mutex mutex_;
  std::condition_variable bound_cv_;
  std::vector<std::weak_ptr<smpp::Session>> bound_;
  std::size_t round_robin_ = 0;
  std::vector<std::pair<smpp::Session*, smpp::Responder>> held_;  // no-response fault
  smpp::InMemoryPartStore parts_;
  smpp::Reassembler reassembler_{parts_, {}};
  std::map<smpp::PartKey, std::vector<std::string>> part_ids_;  // message ids of stored parts
  CarrierCounters counters_;
};

}  // namespace confab::sim
