// The dispatcher's worker, taking outbox items into flight: read by the scan, or handed over
// by their writer; one message in flight per recipient, the others held in order behind it.

#include <string>
#include <utility>

#include "daemon/dispatcher_internal.h"
#include "daemon/logging.h"
#include "store/schema.h"

namespace confab::outbound {
namespace {

constexpr std::size_t kScanPage = 256;

}  // namespace

void Dispatcher::State::Fill(uint64_t now_ms) {
  caught_up = false;
  while (in_flight.size() + waiting_count < options.max_messages_in_flight) {
    const std::size_t page_size = kScanPage;
    auto page = reader.ScanOutbox(cursor, page_size);
    if (!page.ok()) {
      Logger("outbound")->warn("reading the outbox: {}", page.status().ToString());
      return;
    }
    for (auto& [key, item] : *page) {
      if (key.due_ms > now_ms) {
        caught_up = true;
        return;  // not due yet, nor is anything after it
      }
      cursor = key;
      Take(key, std::move(item));
      if (in_flight.size() + waiting_count >= options.max_messages_in_flight) {
        return;
      }
    }
    if (page->size() < page_size) {
      caught_up = true;
      return;  // the end: new items (due now) come after the cursor; the rescan finds the rest
    }
  }
}

void Dispatcher::State::Take(const store::OutboxKey& key, store::OutboxItem item) {
  std::string key_bytes = store::EncodeOutboxKey(key);
  if (in_flight.contains(key_bytes) || held.contains(key_bytes)) {
    return;
  }
  std::string recipient = store::ThreadKey(key.message.thread);
  if (busy_threads.contains(recipient)) {
    // One message at a time per recipient, in order: it waits in memory behind the one in
    // flight (Launch takes it from there), so the scan never has to come back for it.
    held.insert(key_bytes);
    waiting[recipient].push_back({key, std::move(item)});
    ++waiting_count;
    return;
  }
  Launch(key, std::move(item), std::move(key_bytes), std::move(recipient));
}

bool Dispatcher::State::TakeHanded(store::OutboxEntry& entry, uint64_t now_ms) {
  // Caught up, nothing due is unread before this item, so taking it keeps each recipient's
  // order; the scan may still read it back later, and skips it then (in flight or held).
  if (!caught_up || entry.first.due_ms > now_ms ||
      in_flight.size() + waiting_count >= options.max_messages_in_flight) {
    return false;
  }
  Take(entry.first, std::move(entry.second));
  return true;
}

void Dispatcher::State::Launch(const store::OutboxKey& key, store::OutboxItem item,
                               std::string key_bytes, std::string recipient) {
  std::shared_ptr<Outgoing> message = Prepare(key, std::move(item));
  if (message == nullptr) {
    return;  // unreadable for now: the next scan finds it again
  }
  message->key_bytes = std::move(key_bytes);
  busy_threads.insert(std::move(recipient));
  in_flight.emplace(message->key_bytes, message);
  if (message->final_state) {
    Settle(message);
  } else {
    lanes[message->route].ready.push_back(message);
  }
}

void Dispatcher::State::LaunchNextFor(const std::string& recipient) {
  auto it = waiting.find(recipient);
  if (it == waiting.end()) {
    return;
  }
  auto [key, item] = std::move(it->second.front());
  it->second.pop_front();
  --waiting_count;
  if (it->second.empty()) {
    waiting.erase(it);
  }
  std::string key_bytes = store::EncodeOutboxKey(key);
  held.erase(key_bytes);
  Launch(key, std::move(item), std::move(key_bytes), recipient);
}

}  // namespace confab::outbound
