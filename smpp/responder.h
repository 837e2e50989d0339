#pragma once

// The handle through which a SessionHandler answers one request of the peer, now or later,
// from any thread. Move-only and one-shot. The response is encoded in the calling thread (so the
// caller's views only need to live during the call) and posted onto the session's strand.
// Dropping an unanswered Responder answers ESME_RSYSERR, so that neither the peer's request
// nor our inbound window slot leaks. Answering after the session closed does nothing.

#include <memory>
#include <string_view>

#include "smpp/pdu.h"

namespace confab::smpp {

class Session;

class Responder {
 public:
  Responder() = default;
  Responder(Responder&& other) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  ~Responder();

  // Answers with `status` and the response body of the request's type with empty fields
  // (e.g. deliver_sm_resp with a NULL message_id).
  void Respond(CommandStatus status = CommandStatus::kOk);
  // Answers with a body; it must be the request's response type (e.g. SubmitSmResp for
  // submit_sm). With a non-zero status the body is not sent (facts §1).
  void Respond(CommandStatus status, const PduBody& body);
  // submit_sm_resp / data_sm_resp with a message_id.
  void RespondMessageId(std::string_view message_id);

  // True until answered; false for an empty Responder (alert_notification).
  bool pending() const { return session_ != nullptr; }
  const Header& request() const { return request_; }

 private:
  friend class Session;
  Responder(std::shared_ptr<Session> session, const Header& request)
      : session_(std::move(session)), request_(request) {}
  void Answer(CommandStatus status, const PduBody* body);

  std::shared_ptr<Session> session_;
  Header request_;
};

}  // namespace confab::smpp
