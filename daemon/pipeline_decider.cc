// The decider: what happens to each message of a group, and what the group leaves in flight
// until its batch is durable.

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "base/status_macros.h"
#include "daemon/esme_status.h"
#include "daemon/logging.h"
#include "daemon/pipeline_internal.h"
#include "smpp/text_coding.h"

namespace confab::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The cache key of a thread: its two ids' bytes, on the stack (the store's 16-byte key would
// be a heap string per read).
class ProfileCacheKey {
 public:
  explicit ProfileCacheKey(const store::ThreadId& thread) {
    std::memcpy(bytes_.data(), &thread.brand, sizeof(thread.brand));
    std::memcpy(bytes_.data() + sizeof(thread.brand), &thread.profile, sizeof(thread.profile));
  }
  std::string_view view() const { return {bytes_.data(), bytes_.size()}; }

 private:
  std::array<char, 16> bytes_;
};

bool CountsAsUnread(const std::optional<store::ProfileRecord>& profile) {
  return profile && profile->unread && profile->state != store::ConversationState::kNone;
}

}  // namespace

void Incoming::Fail(const absl::Status& status) {
  if (answer) {
    std::move(answer)(EsmeStatusFor(status, command));
  }
  if (mutation_done) {
    std::move(mutation_done)(status);
  }
}

void Group::Answer(const absl::Status& status, Counters& counters) {
  if (!status.ok()) {
    counters.failed.Add(answers.size());
  }
  for (Pending& pending : answers) {
    std::move(pending.answer)(EsmeStatusFor(status, pending.command));
    counters.ack_seconds.Observe(SecondsSince(pending.accepted));
  }
  answers.clear();
  for (MutationDone& done : mutation_dones) {
    std::move(done)(status);
  }
  mutation_dones.clear();
}

Pipeline::Decider::Decider(const store::KvSource& kv, const store::CfHandles& cf_handles,
                           const classify::Classifier& text_classifier,
                           const PipelineOptions& pipeline_options,
                           metrics::Registry& metrics_registry)
    : source(kv),
      handles(cf_handles),
      classifier(text_classifier),
      options(pipeline_options),
      reader(kv),
      parts(kv),
      reassembler(parts, {std::chrono::milliseconds(pipeline_options.reassembly_timeout_ms)}),
      counters_(metrics_registry),
      registry(metrics_registry),
      durable_profiles_(pipeline_options.profile_cache_bytes) {}

std::shared_ptr<Group> Pipeline::Decider::NewGroup() {
  return std::make_shared<Group>(next_group_++, handles);
}

absl::StatusOr<std::optional<store::ProfileRecord>> Pipeline::Decider::Profile(
    const store::ThreadId& thread) {
  if (auto it = profiles_.find(thread); it != profiles_.end()) {
    return std::optional<store::ProfileRecord>(it->second.record);
  }
  const ProfileCacheKey key(thread);
  if (std::optional<store::ProfileRecord> kept = durable_profiles_.Lookup(key.view())) {
    counters_.profile_cache_hits.Add();
    return kept;
  }
  counters_.profile_cache_misses.Add();
  absl::StatusOr<std::optional<store::ProfileRecord>> stored = reader.GetProfile(thread);
  if (stored.ok() && stored->has_value()) {
    KeepDurable(thread, **stored);
  }
  return stored;
}

void Pipeline::Decider::KeepDurable(const store::ThreadId& thread, store::ProfileRecord record) {
  // Charged what the copy costs (an empty time zone's inline bytes too: a few bytes over).
  const std::size_t charge = sizeof(store::ProfileRecord) +
                             record.dedup.capacity() * sizeof(store::DedupEntry) +
                             record.time_zone.capacity();
  durable_profiles_.Insert(ProfileCacheKey(thread).view(), std::move(record), charge);
}

void Pipeline::Decider::Stage(Group& group, const store::ThreadId& thread,
                              const std::optional<store::ProfileRecord>& before,
                              const store::ProfileRecord& after) {
  group.writes.PutProfile(thread, before ? &*before : nullptr, after);
  profiles_[thread] = {after, group.id};
  group.threads.push_back(thread);
  const int64_t delta =
      static_cast<int64_t>(CountsAsUnread(after)) - static_cast<int64_t>(CountsAsUnread(before));
  if (delta != 0) {
    group.unread_delta[thread.brand] += delta;
  }
}

std::shared_ptr<Group> Pipeline::Decider::Decide(std::deque<Incoming>& work) {
  std::shared_ptr<Group> group = NewGroup();
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (work[i].timers) {
      RunTimers(*group, *work[i].brands);
      group->mutation_dones.push_back(std::move(work[i].mutation_done));
      continue;
    }
    absl::Status status =
        work[i].part ? DecideMessage(work[i], *group) : DecideMutation(work[i], *group);
    if (!status.ok()) {
      group->poisoned = status;
      for (std::size_t j = i + 1; j < work.size(); ++j) {
        counters_.failed.Add();
        work[j].Fail(absl::UnavailableError(status.message()));
      }
      break;
    }
  }
  return group;
}

absl::Status Pipeline::Decider::DecideMessage(Incoming& incoming, Group& group) {
  InboundPart& part = *incoming.part;
  const BrandNumber& brand = *part.brand;
  const uint64_t ttl = options.dedup_window_ms;
  const uint64_t now = part.received_ms;
  Group::Pending pending{std::move(incoming.answer), incoming.command, incoming.accepted};
  ++group.messages;

  const uint64_t hash = part.concat ? LongMessageHash(part.thread, *part.concat) : part.idempotency;
  absl::StatusOr<std::optional<store::ProfileRecord>> read = Profile(part.thread);
  if (!read.ok()) {
    group.answers.push_back(std::move(pending));  // answered with the poisoned group
    return read.status();
  }
  std::optional<store::ProfileRecord>& profile = *read;
  if (profile && profile->SeenInbound(hash, now, ttl)) {
    counters_.duplicate.Add();
    // Acknowledged once the write that remembered it is durable: with this group if that write
    // is still in flight (groups commit in order), at once if it is already durable.
    if (InFlight(part.thread)) {
      group.answers.push_back(std::move(pending));
    } else {
      std::move(pending.answer)(smpp::CommandStatus::kOk);
    }
    return absl::OkStatus();
  }

  InboundText text;
  text.thread = part.thread;
  text.received_ms = now;
  if (!part.concat) {
    smpp::DecodeOptions decode;
    decode.udh_octets = part.udh_octets;
    smpp::DecodedText decoded = smpp::DecodeUserData(part.data_coding, part.payload, decode);
    text.text = std::move(decoded.utf8);
    text.encoding = StoredEncoding(decoded.encoding);
  } else {
    const smpp::ConcatInfo& concat = *part.concat;
    if (concat.total == 0 || concat.seq == 0 || concat.seq > concat.total) {
      counters_.refused.Add();
      std::move(pending.answer)(smpp::CommandStatus::kInvOptParamVal);
      return absl::OkStatus();
    }
    smpp::StoredPart stored;
    stored.seq = concat.seq;
    stored.data_coding = part.data_coding;
    stored.udh_octets = part.udh_octets;
    stored.payload = std::move(part.payload);
    stored.received_at = smpp::WallTime(std::chrono::milliseconds(now));
    parts.Bind(&group.writes, group.id);
    absl::StatusOr<smpp::Reassembler::AddResult> added =
        reassembler.Add(MakePartKey(part.thread, concat), stored);
    for (std::string& key : parts.TakeTouched()) {
      group.part_keys.push_back(std::move(key));
    }
    if (!added.ok()) {
      group.answers.push_back(std::move(pending));
      return added.status();
    }
    if (added->outcome != smpp::Reassembler::Outcome::kCompleted) {
      // Stored (durable with this group) or a part we already hold (in flight or durable):
      // either way acknowledged when this group is.
      (added->outcome == smpp::Reassembler::Outcome::kStored ? counters_.part_stored
                                                             : counters_.duplicate)
          .Add();
      group.answers.push_back(std::move(pending));
      return absl::OkStatus();
    }
    smpp::DecodedText decoded = smpp::DecodeReassembled(*added->message);
    text.text = std::move(decoded.utf8);
    text.encoding = StoredEncoding(decoded.encoding);
    text.segments = concat.total;
  }
  ApplyText(brand, text, hash, profile, group);
  group.answers.push_back(std::move(pending));
  return absl::OkStatus();
}

void Pipeline::Decider::ApplyText(const BrandNumber& brand, const InboundText& text,
                                  uint64_t dedup_hash,
                                  const std::optional<store::ProfileRecord>& before, Group& group) {
  store::ProfileRecord profile = before.value_or(store::ProfileRecord{});
  const classify::Decision decision =
      classifier.Classify(text.text, brand.keywords, classify::ClassifyContext{});
  InboundOutcome outcome = ApplyInbound(brand, text, decision, profile, group.writes);
  profile.RememberInbound(dedup_hash, text.received_ms, options.dedup_window_ms);
  Stage(group, text.thread, before, profile);
  if (brand.notifies && outcome.kind == classify::Kind::kConversation && !profile.blocked) {
    std::size_t preview = std::min(text.text.size(), kInboundPreviewBytes);
    while (preview < text.text.size() && (text.text[preview] & 0xC0) == 0x80) {
      --preview;  // not inside a UTF-8 character
    }
    group.stored.push_back({text.thread, outcome.message_seq, text.text.substr(0, preview),
                            text.received_ms, /*conversation=*/true, /*blocked=*/false});
  }
  switch (outcome.kind) {
    case classify::Kind::kOptOut:
      counters_.opt_out.Add();
      break;
    case classify::Kind::kOptIn:
      counters_.opt_in.Add();
      break;
    case classify::Kind::kHelp:
      counters_.help.Add();
      break;
    case classify::Kind::kConversation:
      counters_.conversation.Add();
      break;
  }
  if (outcome.reply) {
    group.replies.push_back(std::move(*outcome.reply));
  }
  if (outcome.reply_queued) {
    counters_.keyword_replies.Add();
  }
  if (outcome.auto_response) {
    counters_.auto_responses.Add();
  }
  if (outcome.attributed) {
    counters_.attributed.Add();
  }
  if (text.incomplete) {
    counters_.incomplete.Add();
  }
}

absl::Status Pipeline::Decider::DecideMutation(Incoming& incoming, Group& group) {
  ASSIGN_OR_RETURN(std::optional<store::ProfileRecord> profile, Profile(incoming.thread));
  const std::optional<store::ProfileRecord> before = profile;
  if (absl::Status status = incoming.mutation(profile, group.writes); !status.ok()) {
    std::move(incoming.mutation_done)(status);  // it staged nothing (Mutation's contract)
    return absl::OkStatus();
  }
  if (profile) {
    Stage(group, incoming.thread, before, *profile);
  }
  group.mutation_dones.push_back(std::move(incoming.mutation_done));
  return absl::OkStatus();
}

}  // namespace confab::pipeline
