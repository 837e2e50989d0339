#pragma once

// The business rules of one inbound message (product §2 step 6, §3, §4, §5), as a pure function
// of the profile record and the message: no I/O, no clock, no threads. The pipeline reads the
// thread's ProfileRecord, calls ApplyInbound, and writes what it staged in one batch.
//
// What it decides, in order:
//  1. the message goes into the thread (kind keyword or conversation, with its classification);
//  2. attribution (§5): the first inbound within the window after a campaign/flow message is
//     attributed to it; any inbound ends the candidate;
//  3. a keyword changes consent (audited) and queues its reply: opt-out confirms exactly once
//     per change (a STOP while unsubscribed gets nothing), opt-in and help always answer;
//     keywords never open a conversation;
//  4. a conversation message opens (or reopens) the conversation and marks it unread — unless
//     the profile is blocked: then it is stored and nothing else happens (§4);
//  5. the auto-responder (§3) answers a conversation message per the number's mode, at most once
//     per interval per profile, never to a blocked profile.
// Replies travel in an outbox item (store/SCHEMA.md "carried reply"), their text final.

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/brand_numbers.h"
#include "daemon/classifier.h"
#include "smpp/text_coding.h"
#include "store/records.h"
#include "store/write_set.h"

namespace confab::pipeline {

struct InboundText {
  store::ThreadId thread;
  std::string text;  // UTF-8
  store::TextEncoding encoding = store::TextEncoding::kGsm7;
  uint8_t segments = 1;
  bool incomplete = false;  // a long message delivered with parts missing
  uint64_t received_ms = 0;
};

struct InboundOutcome {
  classify::Kind kind = classify::Kind::kConversation;
  bool consent_changed = false;
  bool reply_queued = false;  // a keyword reply
  bool auto_response = false;
  bool conversation_opened = false;  // created or reopened
  bool became_unread = false;
  bool attributed = false;
  bool blocked = false;
  uint32_t message_seq = 0;
  std::optional<store::OutboxEntry> reply;  // the reply queued (also staged in the writes)
};

// Applies `message` to `profile` (in: the stored record or a fresh one; out: the record to write)
// and stages the message, audit, attribution and outbox writes in `writes`. The caller stages
// the profile itself (WriteSet::PutProfile with the record as it was before).
InboundOutcome ApplyInbound(const BrandNumber& brand, const InboundText& message,
                            const classify::Decision& decision, store::ProfileRecord& profile,
                            store::WriteSet& writes);

// A consent change from any cause (a keyword here, the admin API, a carrier): appends the audit
// record (from the profile's consent to `to`, at the profile's next audit seq, which it returns)
// and sets the profile's consent. `message_seq` names the inbound message that caused it, if any;
// `raw_text` is its text (or the API's note). The caller stages the profile itself.
uint32_t ChangeConsent(const store::ThreadId& thread, store::Consent to, store::ConsentCause cause,
                       uint64_t at_ms, std::optional<uint32_t> message_seq, std::string raw_text,
                       store::ProfileRecord& profile, store::WriteSet& writes);

// How the store records an SMPP text encoding (IA5 and binary count as GSM 7-bit: the store
// keeps the three an SMS can be billed in).
store::TextEncoding StoredEncoding(smpp::TextEncoding encoding);

// The outbound form of a reply text: encoding and segment count as the gateway will send it.
store::MessageRecord ReplyRecord(store::MessageKind kind, std::string text, uint64_t now_ms);

}  // namespace confab::pipeline
