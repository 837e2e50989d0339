#include "smpp/responder.h"

#include <utility>

#include "smpp/session.h"

namespace confab::smpp {

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (session_) {
      Answer(CommandStatus::kSysErr, nullptr);
    }
    session_ = std::move(other.session_);
    request_ = other.request_;
  }
  return *this;
}

Responder::~Responder() {
  if (session_) {
    Answer(CommandStatus::kSysErr, nullptr);
  }
}

void Responder::Respond(CommandStatus status) { Answer(status, nullptr); }

void Responder::Respond(CommandStatus status, const PduBody& body) { Answer(status, &body); }

void Responder::RespondMessageId(std::string_view message_id) {
  PduBody body;
  switch (request_.id()) {
    case CommandId::kSubmitSm:
      body.emplace<SubmitSmResp>().message_id = message_id;
      break;
    case CommandId::kDataSm:
      body.emplace<DataSmResp>().message_id = message_id;
      break;
    case CommandId::kSubmitMulti:
      body.emplace<SubmitMultiResp>().message_id = message_id;
      break;
    default:  // deliver_sm_resp and the others carry no message_id
      Answer(CommandStatus::kOk, nullptr);
      return;
  }
  Answer(CommandStatus::kOk, &body);
}

void Responder::Answer(CommandStatus status, const PduBody* body) {
  if (!session_) {
    return;
  }
  std::shared_ptr<Session> session = std::move(session_);
  session->AnswerInbound(request_, status, body);
}

}  // namespace confab::smpp
