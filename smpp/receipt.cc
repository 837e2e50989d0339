#include "smpp/receipt.h"

#include <array>
#include <cstddef>
#include <optional>

#include "absl/status/status.h"

namespace confab::smpp {

namespace {

enum Key : int { kId, kSub, kDlvrd, kSubmitDate, kDoneDate, kStat, kErr, kText, kKeyCount };

struct KeySpec {
  Key key;
  std::string_view first;   // first word
  std::string_view second;  // second word, empty for one-word keys
};
// Order does not matter: a key only matches when its ':' follows ("sub" does not match "submit").
constexpr KeySpec kKeys[] = {
    {kId, "id", ""},
    {kSub, "sub", ""},
    {kDlvrd, "dlvrd", ""},
    {kSubmitDate, "submit", "date"},
    {kDoneDate, "done", "date"},
    {kStat, "stat", ""},
    {kErr, "err", ""},
    {kText, "text", ""},
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Matches `word` case-insensitively at s[pos]; returns the position after it or npos.
std::size_t MatchWord(std::string_view s, std::size_t pos, std::string_view word) {
  if (s.size() - pos < word.size()) {
    return std::string_view::npos;
  }
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (Lower(s[pos + k]) != word[k]) {
      return std::string_view::npos;
    }
  }
  return pos + word.size();
}

struct KeyMatch {
  Key key;
  std::size_t value_begin;
};

// A key at s[pos] (the caller checks the boundary before pos): word [sep word] spaces ':'.
std::optional<KeyMatch> MatchKey(std::string_view s, std::size_t pos) {
  for (const KeySpec& spec : kKeys) {
    std::size_t p = MatchWord(s, pos, spec.first);
    if (p == std::string_view::npos) {
      continue;
    }
    if (!spec.second.empty()) {
      while (p < s.size() && (s[p] == ' ' || s[p] == '_')) {
        ++p;
      }
      p = MatchWord(s, p, spec.second);
      if (p == std::string_view::npos) {
        continue;
      }
    }
    while (p < s.size() && s[p] == ' ') {
      ++p;
    }
    if (p < s.size() && s[p] == ':') {
      ++p;
      while (p < s.size() && s[p] == ' ') {
        ++p;
      }
      return KeyMatch{spec.key, p};
    }
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && IsSpace(v.front())) {
    v.remove_prefix(1);
  }
  while (!v.empty() && IsSpace(v.back())) {
    v.remove_suffix(1);
  }
  return v;
}

bool AllDigits(std::string_view v) {
  if (v.empty()) {
    return false;
  }
  for (char c : v) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// Up to 9 digits, so that the value fits without overflow checks.
std::optional<uint32_t> ParseSmallNumber(std::string_view v) {
  if (!AllDigits(v) || v.size() > 9) {
    return std::nullopt;
  }
  uint32_t n = 0;
  for (char c : v) {
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

int TwoDigits(std::string_view v, std::size_t at) { return (v[at] - '0') * 10 + (v[at + 1] - '0'); }

std::optional<ReceiptDate> ParseDate(std::string_view v) {
  if (!AllDigits(v) || (v.size() != 10 && v.size() != 12 && v.size() != 14)) {
    return std::nullopt;
  }
  ReceiptDate d;
  std::size_t at = 0;
  if (v.size() == 14) {
    d.year = TwoDigits(v, 0) * 100 + TwoDigits(v, 2);
    at = 4;
  } else {
    d.year = 2000 + TwoDigits(v, 0);
    at = 2;
  }
  d.month = TwoDigits(v, at);
  d.day = TwoDigits(v, at + 2);
  d.hour = TwoDigits(v, at + 4);
  d.minute = TwoDigits(v, at + 6);
  d.has_seconds = v.size() - at == 10;
  d.second = d.has_seconds ? TwoDigits(v, at + 8) : 0;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 ||
      d.second > 59) {
    return std::nullopt;
  }
  return d;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower_b) {
  return a.size() == lower_b.size() && MatchWord(a, 0, lower_b) == a.size();
}

}  // namespace

std::optional<MessageState> MessageStateFromStat(std::string_view stat) {
  struct Word {
    std::string_view word;
    MessageState state;
  };
  static constexpr Word kWords[] = {
      {"delivrd", MessageState::kDelivered},
      {"delivered", MessageState::kDelivered},
      {"expired", MessageState::kExpired},
      {"deleted", MessageState::kDeleted},
      {"undeliv", MessageState::kUndeliverable},
      {"undeliverable", MessageState::kUndeliverable},
      {"undelivered", MessageState::kUndeliverable},
      {"failed", MessageState::kUndeliverable},
      {"acceptd", MessageState::kAccepted},
      {"accepted", MessageState::kAccepted},
      {"unknown", MessageState::kUnknown},
      {"rejectd", MessageState::kRejected},
      {"rejected", MessageState::kRejected},
      {"enroute", MessageState::kEnroute},
  };
  stat = Trim(stat);
  for (const Word& w : kWords) {
    if (EqualsIgnoreCase(stat, w.word)) {
      return w.state;
    }
  }
  return std::nullopt;
}

std::string_view StatText(MessageState state) {
  switch (state) {
    case MessageState::kEnroute:
      return "ENROUTE";
    case MessageState::kDelivered:
      return "DELIVRD";
    case MessageState::kExpired:
      return "EXPIRED";
    case MessageState::kDeleted:
      return "DELETED";
    case MessageState::kUndeliverable:
      return "UNDELIV";
    case MessageState::kAccepted:
      return "ACCEPTD";
    case MessageState::kUnknown:
      return "UNKNOWN";
    case MessageState::kRejected:
      return "REJECTD";
  }
  return "UNKNOWN";
}

absl::StatusOr<DeliveryReceipt> ParseDeliveryReceipt(std::string_view s, const ReceiptTlvs& tlvs) {
  std::array<std::optional<std::string_view>, kKeyCount> values;
  std::optional<KeyMatch> open;  // the key whose value is being read
  const auto close = [&](std::size_t end) {
    if (open && !values[open->key]) {
      values[open->key] = Trim(s.substr(open->value_begin, end - open->value_begin));
    }
  };
  for (std::size_t pos = 0; pos < s.size(); ++pos) {
    if (pos > 0 && !IsSpace(s[pos - 1])) {
      continue;
    }
    std::optional<KeyMatch> match = MatchKey(s, pos);
    if (!match) {
      continue;
    }
    close(pos);
    open = match;
    if (match->key == kText) {
      break;  // text runs to the end of the message
    }
    pos = match->value_begin - 1;  // the loop's ++pos lands on the value
  }
  close(s.size());

  DeliveryReceipt r;
  if (values[kId]) {
    r.text_id = std::string(*values[kId]);
  }
  if (tlvs.receipted_message_id && !Trim(*tlvs.receipted_message_id).empty()) {
    r.message_id = std::string(Trim(*tlvs.receipted_message_id));
    r.id_from_tlv = true;
  } else {
    r.message_id = r.text_id;
  }
  if (r.message_id.empty()) {
    return absl::InvalidArgumentError("delivery receipt without a message id");
  }
  if (values[kStat]) {
    r.stat = std::string(*values[kStat]);
    r.state = MessageStateFromStat(r.stat);
  }
  if (tlvs.message_state && *tlvs.message_state >= 1 && *tlvs.message_state <= 8) {
    r.state = static_cast<MessageState>(*tlvs.message_state);
    r.state_from_tlv = true;
  }
  if (values[kSub]) {
    r.submitted = ParseSmallNumber(*values[kSub]);
  }
  if (values[kDlvrd]) {
    r.delivered = ParseSmallNumber(*values[kDlvrd]);
  }
  if (values[kSubmitDate]) {
    r.submit_date_text = std::string(*values[kSubmitDate]);
    r.submit_date = ParseDate(r.submit_date_text);
  }
  if (values[kDoneDate]) {
    r.done_date_text = std::string(*values[kDoneDate]);
    r.done_date = ParseDate(r.done_date_text);
  }
  if (values[kErr]) {
    r.err = std::string(*values[kErr]);
    r.error_code = ParseSmallNumber(r.err);
  }
  if (values[kText]) {
    r.text = std::string(*values[kText]);
  }
  if (tlvs.network_error_code && tlvs.network_error_code->size() == 3) {
    const auto& v = *tlvs.network_error_code;
    r.network_error =
        NetworkError{.network_type = v[0], .code = static_cast<uint16_t>((v[1] << 8) | v[2])};
  }
  return r;
}

}  // namespace confab::smpp
