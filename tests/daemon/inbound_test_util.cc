#include "tests/daemon/inbound_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "store/store.h"

extern char** environ;

namespace confab::testing {

Child::Child(const std::string& binary, const std::vector<std::string>& args,
             const std::filesystem::path& log, bool stdin_pipe) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  int pipe_fds[2] = {-1, -1};
  if (stdin_pipe) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);  // clears CLOEXEC
    stdin_ = pipe_fds[1];
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_fds[0] >= 0) {
    ::close(pipe_fds[0]);
  }
  if (rc != 0) {
    throw std::runtime_error("posix_spawn " + binary + " failed");
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    throw std::runtime_error("pidfd_open failed");
  }
}

Child::~Child() {
  if (!exit_code_.has_value()) {
    Kill();
  }
  CloseStdin();
  ::close(pidfd_);
}

bool Child::WriteStdin(const std::string& text) {
  std::size_t done = 0;
  while (stdin_ >= 0 && done < text.size()) {
    const ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return stdin_ >= 0;
}

void Child::CloseStdin() {
  if (stdin_ >= 0) {
    ::close(stdin_);
    stdin_ = -1;
  }
}

bool Child::exited() {
  if (exit_code_.has_value()) {
    return true;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) {
    return false;
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

std::optional<int> Child::WaitExit(std::chrono::milliseconds deadline) {
  pollfd pfd{.fd = pidfd_, .events = POLLIN, .revents = 0};
  if (!exit_code_.has_value() && ::poll(&pfd, 1, static_cast<int>(deadline.count())) <= 0) {
    return std::nullopt;
  }
  exited();
  return exit_code_;
}

void Child::Kill() {
  if (exit_code_.has_value()) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void Child::Signal(int signal) {
  if (!exit_code_.has_value()) {
    ::kill(pid_, signal);
  }
}

std::string ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::filesystem::path& path, std::size_t max_bytes) {
  const std::string text = ReadWhole(path);
  return text.size() <= max_bytes ? text : "…" + text.substr(text.size() - max_bytes);
}

bool WaitForChange(const std::filesystem::path& dir, const std::function<bool()>& check,
                   std::chrono::milliseconds deadline, Child* child) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || ::inotify_add_watch(fd, dir.c_str(),
                                    IN_MODIFY | IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) < 0) {
    throw std::runtime_error("inotify on " + dir.string() + " failed");
  }
  const auto until = std::chrono::steady_clock::now() + deadline;
  bool done = check();
  while (!done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || (child != nullptr && child->exited())) {
      break;
    }
    pollfd pfds[2] = {
        {.fd = fd, .events = POLLIN, .revents = 0},
        {.fd = child != nullptr ? child->pidfd() : -1, .events = POLLIN, .revents = 0}};
    ::poll(pfds, 2, static_cast<int>(left.count()));
    char buffer[4096];
    while (::read(fd, buffer, sizeof(buffer)) > 0) {
    }
    done = check();
  }
  ::close(fd);
  return done;
}

std::string WriteInboundConfig(const std::filesystem::path& dir, uint16_t carrier_port) {
  const std::filesystem::path path = dir / "confab.toml";
  std::ofstream out(path, std::ios::trunc);
  const auto same = [&](const char* table, const char* text) {
    out << "\n[number.templates." << table << "]\n";
    for (const char* language : {"en", "es", "fr"}) {
      out << language << " = \"" << text << "\"\n";
    }
  };
  out << "[daemon]\nlog_level = \"info\"\nstate_dir = \"" << (dir / "state").string()
      << "\"\nshutdown_grace = \"5s\"\nio_threads = 2\n\n"
      << "[store]\ndurability = \"fsync\"\n\n[admin]\nport = 0\n\n[links]\nenabled = false\n\n"
      << "[[carrier]]\nname = \"sim\"\nmode = \"connect\"\nhost = \"127.0.0.1\"\nport = "
      << carrier_port
      << "\nsystem_id = \"confab\"\npassword = \"secret\"\nwindow = 10\n"
         "response_timeout = \"5s\"\nreconnect_min_backoff = \"50ms\"\n"
         "reconnect_max_backoff = \"200ms\"\nunbind_grace = \"1s\"\n\n"
      << "[[number]]\nnumber = \"" << kBrand
      << "\"\ndefault_country = \"US\"\norganization_prefix = \"Example Co\"\n"
         "program_name = \"Example Co Support\"\nemail = \"support@example.com\"\n"
         "help_phone = \"+1 555 010 0001\"\nmessage_frequency = \"Msg frequency varies\"\n"
         "carriers = [\"sim\"]\nlink_shortening = false\n";
  same("opt_out",
       "{{organization_prefix}}: You are unsubscribed and will receive no more "
       "messages.");
  same("opt_in",
       "{{organization_prefix}}: You are subscribed to {{program_name}}. {{message_frequency}}. "
       "Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out.");
  same("help",
       "{{organization_prefix}}: For help, email {{email}} or call {{help_phone}}. Msg & data "
       "rates may apply. Reply STOP to opt out.");
  out << "\n[number.auto_responder]\nmode = \"all\"\nmin_interval = \"10m\"\ntext = \""
      << "{{organization_prefix}}: Thanks for your message. We will reply as soon as we can. "
         "For help, write to {{email}}.\"\n\n[number.quiet_hours]\npolicy = \"off\"\n";
  return path.string();
}

std::filesystem::path StorePath(const std::filesystem::path& dir) {
  return dir / "state" / "store";
}

std::string ProfileText(const store::ThreadId& thread) { return store::NumberText(thread.profile); }
std::string BrandText(const store::ThreadId& thread) { return store::NumberText(thread.brand); }

std::optional<StoreContents> ReadStore(const std::filesystem::path& path, std::string& error) {
  store::StoreOptions options;
  options.path = path.string();
  auto opened = store::Store::Open(options);
  if (!opened.ok()) {
    error = "Store::Open(" + path.string() + "): " + std::string(opened.status().ToString());
    return std::nullopt;
  }
  const store::Store& db = **opened;
  StoreContents contents;
  absl::Status status = absl::OkStatus();
  const auto fail = [&](absl::Status s) {
    status.Update(std::move(s));
    return false;
  };
  absl::Status scan = db.Scan(store::Cf::kMessages, "", "", [&](auto key, auto value) {
    auto message_key = store::DecodeMessageKey(key);
    auto record = store::DecodeMessage(value);
    if (!message_key || !record.ok()) {
      return fail(absl::DataLossError("undecodable messages entry"));
    }
    auto& list =
        record->direction == store::Direction::kInbound ? contents.inbound : contents.outbound;
    list.push_back({*message_key, *std::move(record)});
    return true;
  });
  status.Update(scan);
  scan = db.Scan(store::Cf::kOutbox, "", "", [&](auto key, auto value) {
    auto outbox_key = store::DecodeOutboxKey(key);
    auto item = store::DecodeOutbox(value);
    if (!outbox_key || !item.ok()) {
      return fail(absl::DataLossError("undecodable outbox entry"));
    }
    contents.outbox.push_back({*outbox_key, *item, item->message.value_or(store::MessageRecord{})});
    return true;
  });
  status.Update(scan);
  scan = db.Scan(store::Cf::kProfiles, "", "", [&](auto key, auto value) {
    auto thread = store::DecodeThreadKey(key);
    auto record = store::DecodeProfile(value);
    if (!thread || !record.ok()) {
      return fail(absl::DataLossError("undecodable profiles entry"));
    }
    contents.profiles[*thread] = *std::move(record);
    return true;
  });
  status.Update(scan);
  scan = db.Scan(store::Cf::kParts, "", "", [&](auto, auto) {
    ++contents.parts;
    return true;
  });
  status.Update(scan);
  for (const auto& [thread, profile] : contents.profiles) {
    std::size_t n = 0;
    status.Update(db.Scan(store::Cf::kAudit, store::ThreadKey(thread), "", [&](auto, auto) {
      ++n;
      return true;
    }));
    contents.audit_counts[thread] = n;
  }
  // A reference outbox item names a message written when it was queued.
  for (StoredOutbox& o : contents.outbox) {
    if (o.item.message.has_value()) {
      continue;
    }
    auto value = db.Get(store::Cf::kMessages, store::EncodeMessageKey(o.key.message));
    if (!value.ok() || !value->has_value()) {
      status.Update(absl::DataLossError("outbox item names a message that is not stored"));
      continue;
    }
    auto record = store::DecodeMessage(**value);
    if (!record.ok()) {
      status.Update(record.status());
      continue;
    }
    o.message = *std::move(record);
  }
  if (!status.ok()) {
    error = std::string(status.ToString());
    return std::nullopt;
  }
  return contents;
}

std::vector<StoredReply> Replies(const StoreContents& contents, std::string& error) {
  std::vector<StoredReply> replies;
  std::set<std::pair<store::ThreadId, uint32_t>> seen;
  auto add = [&](const store::MessageKey& key, const store::MessageRecord& message, bool sent) {
    if (!seen.emplace(key.thread, key.seq).second) {
      error += "reply seq " + std::to_string(key.seq) + " of " + ProfileText(key.thread) +
               " both queued and sent\n";
      return;
    }
    replies.push_back({key, message, sent});
  };
  for (const StoredOutbox& o : contents.outbox) {
    add(o.key.message, o.message, false);
  }
  for (const StoredMessage& m : contents.outbound) {
    add(m.key, m.record, true);
  }
  return replies;
}

void DirTest::SetUp() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::path(::testing::TempDir()) /
         (std::string(test->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" +
          test->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

void DirTest::TearDown() {
  if (!HasFailure()) {
    std::filesystem::remove_all(dir_);
  } else {
    std::cerr << "kept for inspection: " << dir_ << '\n';
  }
}

}  // namespace confab::testing
