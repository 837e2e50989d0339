#include "base/thread_name.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>

#include "tests/base/thread_list.h"

namespace confab {
namespace {

bool HasThreadNamed(const std::string& name) {
  const std::vector<testing::ThreadInfo> threads = testing::ThreadsOfThisProcess();
  return std::any_of(threads.begin(), threads.end(),
                     [&](const testing::ThreadInfo& thread) { return thread.name == name; });
}

// Names the thread, reports, and stays alive until the test has looked.
void CheckNameWhileRunning(const std::string& given, const std::string& shown) {
  std::promise<void> named;
  std::promise<void> looked;
  std::thread thread([&] {
    NameThisThread(given);
    named.set_value();
    looked.get_future().wait();
  });
  named.get_future().wait();
  EXPECT_TRUE(HasThreadNamed(shown)) << shown;
  looked.set_value();
  thread.join();
}

TEST(ThreadNameTest, TheThreadShowsItsName) { CheckNameWhileRunning("pipeline", "pipeline"); }

TEST(ThreadNameTest, ALongNameIsCutAtFifteenBytes) {
  CheckNameWhileRunning("commit-receipts-and-more", "commit-receipts");
}

}  // namespace
}  // namespace confab
