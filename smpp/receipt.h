#pragma once

// Delivery receipts (facts §7): the vendor-specific short_message text
//   id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:SSSSSSS err:E
//   text:..
// parsed tolerantly, plus the receipt TLVs, which win when present.
//
// Parser rules (each seen from some SMSC):
// - A key is recognised at the start of the text or after whitespace, case-insensitively, with
//   optional spaces before its ':'. Keys: id, sub, dlvrd, submit date, done date, stat, err, text;
//   the two-word keys also match with '_' or no separator ("submit_date", "donedate").
// - A value runs to the next recognised key and is trimmed. `text` runs to the end of the
//   message, colons and all (it is the last field in every known layout), so nothing after
//   "text:" is taken as a key.
// - Fields may be missing, repeated (the first wins) or in any order (text excepted).
// - Dates: 10 digits YYMMDDhhmm, 12 digits YYMMDDhhmmss, or 14 digits YYYYMMDDhhmmss; YY is
//   20YY. Anything else (or an impossible date) leaves the parsed date empty; the raw text stays.
// - err: kept as text (1 or 3 characters, or a word); error_code is set when it is all digits.
// - The only error: no message id in either the text or the receipted_message_id TLV.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "smpp/types.h"

namespace confab::smpp {

// True when esm_class says the deliver_sm / data_sm carries an SMSC delivery receipt.
constexpr bool IsDeliveryReceipt(uint8_t esm) {
  return (esm & esm_class::kTypeMask) == esm_class::kTypeDeliveryReceipt;
}

struct ReceiptDate {
  int year = 0;  // four digits
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool has_seconds = false;

  friend bool operator==(const ReceiptDate&, const ReceiptDate&) = default;
};

struct NetworkError {
  uint8_t network_type = 0;  // 1 ANSI-136, 2 IS-95, 3 GSM
  uint16_t code = 0;

  friend bool operator==(const NetworkError&, const NetworkError&) = default;
};

// The receipt TLV values as the codec hands them over (TlvList's typed getters).
struct ReceiptTlvs {
  std::optional<std::string_view> receipted_message_id;        // without the NUL
  std::optional<uint8_t> message_state;                        // raw value; 1..8 are used
  std::optional<std::span<const uint8_t>> network_error_code;  // 3 octets; others are ignored
};

struct DeliveryReceipt {
  std::string message_id;             // receipted_message_id when present, else the text's id
  std::optional<MessageState> state;  // message_state TLV when valid, else from `stat`
  std::string stat;                   // the stat text as received
  std::optional<uint32_t> submitted;  // sub
  std::optional<uint32_t> delivered;  // dlvrd
  std::string submit_date_text;
  std::string done_date_text;
  std::optional<ReceiptDate> submit_date;
  std::optional<ReceiptDate> done_date;
  std::string err;
  std::optional<uint32_t> error_code;
  std::optional<NetworkError> network_error;
  std::string text;
  std::string text_id;  // the id found in the text (may differ in form from message_id)
  bool id_from_tlv = false;
  bool state_from_tlv = false;
};

absl::StatusOr<DeliveryReceipt> ParseDeliveryReceipt(std::string_view text,
                                                     const ReceiptTlvs& tlvs = {});

// Stat text -> state, case-insensitive. The 3.4 words (DELIVRD, EXPIRED, DELETED, UNDELIV,
// ACCEPTD, UNKNOWN, REJECTD, ENROUTE), their spelled-out forms (DELIVERED, UNDELIVERABLE,
// UNDELIVERED, ACCEPTED, REJECTED) and FAILED (-> kUndeliverable). Anything else -> nullopt.
std::optional<MessageState> MessageStateFromStat(std::string_view stat);
// State -> the 7-letter stat word ("DELIVRD", ...).
std::string_view StatText(MessageState state);

// How a carrier writes message ids, for correlating receipts with submit_sm_resp.
enum class MessageIdFormat : uint8_t {
  kAsIs,     // opaque: compared exactly after trimming spaces
  kHex,      // a hexadecimal number (any case, any leading zeros)
  kDecimal,  // a decimal number (any leading zeros)
};

// Normal form for correlation. kAsIs: the id without surrounding whitespace/NULs. kHex and
// kDecimal: the number as lowercase hexadecimal without leading zeros ("0" for zero), of any
// length (no 64-bit limit). An id that is not a number of its format falls back to the kAsIs
// form, so it only matches itself.
// So a receipt's decimal "0000012345" and a submit_sm_resp's hex "3039" correlate:
// NormalizeMessageId("0000012345", kDecimal) == NormalizeMessageId("3039", kHex) == "3039".
std::string NormalizeMessageId(std::string_view id, MessageIdFormat format);

bool SameMessageId(std::string_view a, MessageIdFormat a_format, std::string_view b,
                   MessageIdFormat b_format);

}  // namespace confab::smpp
