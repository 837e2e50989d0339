#pragma once

// Shared by the inbound reliability suites (crash_test, retransmit_test): child processes whose
// output goes to a log file (a pipe nobody drains would stall a chatty child), waits driven by
// inotify and pidfd events with deadlines, the daemon config they run with, and a reader that
// loads what the inbound pipeline left in the store.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/records.h"
#include "store/schema.h"

namespace confab::testing {

// A child process (posix_spawn) with stdout and stderr appended to `log`. Its stdin is /dev/null,
// or with `stdin_pipe` a pipe the test writes to (WriteStdin).
class Child {
 public:
  Child(const std::string& binary, const std::vector<std::string>& args,
        const std::filesystem::path& log, bool stdin_pipe = false);
  ~Child();  // SIGKILLs and reaps the child if it still runs
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_; }  // readable once the child has exited
  bool exited();                        // reaps it when it has
  // Waits for the exit; the exit code (128+N when killed by signal N), nullopt on deadline.
  std::optional<int> WaitExit(std::chrono::milliseconds deadline);
  // SIGKILL and reap (a crash).
  void Kill();
  void Signal(int signal);
  // With `stdin_pipe`: writes all of `text` (false when the child has closed its end; the caller
  // ignores SIGPIPE), and closes the pipe (end of input).
  bool WriteStdin(const std::string& text);
  void CloseStdin();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdin_ = -1;  // our end of the stdin pipe
  std::optional<int> exit_code_;
};

// The last `max_bytes` of a file, for failure messages.
std::string Tail(const std::filesystem::path& path, std::size_t max_bytes = 4000);
std::string ReadWhole(const std::filesystem::path& path);

// Calls `check` now and on every change inside `dir` (inotify) until it returns true, `child`
// (if any) exits, or the deadline passes. Returns what `check` last returned.
bool WaitForChange(const std::filesystem::path& dir, const std::function<bool()>& check,
                   std::chrono::milliseconds deadline, Child* child = nullptr);

// The brand number every inbound suite uses, and the exact reply texts its config renders.
inline constexpr char kBrand[] = "+15550100000";
inline constexpr char kOptOutReply[] =
    "Example Co: You are unsubscribed and will receive no more messages.";
inline constexpr char kOptInReply[] =
    "Example Co: You are subscribed to Example Co Support. Msg frequency varies. Msg & data "
    "rates may apply. Reply HELP for help. Reply STOP to opt out.";
inline constexpr char kHelpReply[] =
    "Example Co: For help, email support@example.com or call +1 555 010 0001. Msg & data rates "
    "may apply. Reply STOP to opt out.";
inline constexpr char kAutoReply[] =
    "Example Co: Thanks for your message. We will reply as soon as we can. For help, write to "
    "support@example.com.";

// A test with its own empty directory `dir_` under the test temp dir, named by suite and test;
// removed when the test passed, kept (and named on stderr) when it failed.
class DirTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::filesystem::path dir_;
};

// Writes `dir`/confab.toml: log level info (children log to files), state in `dir`/state, admin on
// port 0, links off, one carrier "sim" (connect to 127.0.0.1:`carrier_port`, quick reconnects),
// brand kBrand with the texts above, auto-responder `all` every 10 minutes, quiet hours off.
// Returns the path.
std::string WriteInboundConfig(const std::filesystem::path& dir, uint16_t carrier_port);
// `dir`/state/store: where that config puts the store.
std::filesystem::path StorePath(const std::filesystem::path& dir);

// What the store holds after a run, read with the daemon stopped.
struct StoredMessage {
  store::MessageKey key;
  store::MessageRecord record;
};
struct StoredOutbox {
  store::OutboxKey key;
  store::OutboxItem item;
  store::MessageRecord message;  // the carried reply, or messages[key.message] for a reference
};
struct StoreContents {
  std::vector<StoredMessage> inbound;   // every inbound message, key order
  std::vector<StoredMessage> outbound;  // outbound messages in `messages`
  std::vector<StoredOutbox> outbox;     // due order
  std::map<store::ThreadId, store::ProfileRecord> profiles;
  std::map<store::ThreadId, std::size_t> audit_counts;  // per profile in `profiles`
  std::size_t parts = 0;                                // records left in the parts family
};
// Opens the store at `path` (FailedPrecondition while a daemon holds it) and reads it whole
// (the suites keep it small). On error returns nullopt and sets `error`.
std::optional<StoreContents> ReadStore(const std::filesystem::path& path, std::string& error);

// Replies queued (carried in an outbox item) or already sent (an outbound message in
// `messages`): each (thread, seq) once — a duplicate is reported in `error`.
struct StoredReply {
  store::MessageKey key;
  store::MessageRecord message;
  bool sent = false;
};
std::vector<StoredReply> Replies(const StoreContents& contents, std::string& error);

// "+1555…" of a thread's profile and brand.
std::string ProfileText(const store::ThreadId& thread);
std::string BrandText(const store::ThreadId& thread);

}  // namespace confab::testing
