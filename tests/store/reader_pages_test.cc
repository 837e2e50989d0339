// StoreReader's paged reads for the admin API (consent audit pages, threads attributed to a
// campaign or flow), on both stores.

#include <gtest/gtest.h>

#include "store/reader.h"
#include "tests/store/backend.h"

namespace confab::store {
namespace {

using testing::Backend;
using testing::BackendKind;

constexpr uint64_t kBrand = 15550000001;
constexpr uint64_t kNow = 1'700'000'000'000;

class ReaderPagesTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  ReaderPagesTest() : backend_(GetParam()) {}
  StoreReader Reader() const { return StoreReader(backend_.source()); }
  void Commit(WriteSet& set) { ASSERT_TRUE(backend_.Write(set).ok()); }

  Backend backend_;
};

TEST_P(ReaderPagesTest, AuditPagesCarryTheirSeqsAndResumeAfterTheLast) {
  const ThreadId thread{kBrand, 15551234567};
  const ThreadId other{kBrand, 15551234568};
  WriteSet set(backend_.handles());
  for (uint32_t seq = 0; seq < 5; ++seq) {
    set.AppendAudit(thread, seq,
                    {kNow + seq, Consent::kNever, Consent::kSubscribed, ConsentCause::kKeyword,
                     true, seq * 2, "START " + std::to_string(seq)});
  }
  set.AppendAudit(other, 0,
                  {kNow, Consent::kNever, Consent::kSubscribed, ConsentCause::kApi, false, 0, ""});
  Commit(set);

  auto first = Reader().ListAuditPage(thread, std::nullopt, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].first, 0u);
  EXPECT_EQ((*first)[1].first, 1u);
  EXPECT_EQ((*first)[1].second.raw_text, "START 1");

  auto rest = Reader().ListAuditPage(thread, 1, 10);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 3u);  // the other thread's entry is not in this thread's pages
  EXPECT_EQ((*rest)[0].first, 2u);
  EXPECT_EQ((*rest)[2].first, 4u);
  EXPECT_EQ((*rest)[2].second.message_seq, 8u);
  EXPECT_TRUE(Reader().ListAuditPage(thread, 4, 10)->empty());
}

TEST_P(ReaderPagesTest, AttributedThreadsAreDistinctInThreadOrderAndPaged) {
  const ThreadId a{kBrand, 15551230001};
  const ThreadId b{kBrand, 15551230002};
  const ThreadId c{kBrand + 1, 15551230000};
  WriteSet set(backend_.handles());
  set.PutAttribution({AttributionKind::kCampaign, 7, {a, 3}}, {kNow, 1});
  set.PutAttribution({AttributionKind::kCampaign, 7, {a, 9}}, {kNow, 8});  // a second campaign msg
  set.PutAttribution({AttributionKind::kCampaign, 7, {c, 1}}, {kNow, 0});
  set.PutAttribution({AttributionKind::kCampaign, 7, {b, 2}}, {kNow, 1});
  set.PutAttribution({AttributionKind::kCampaign, 8, {b, 5}}, {kNow, 4});  // another campaign
  set.PutAttribution({AttributionKind::kFlow, 7, {c, 6}}, {kNow, 5});      // a flow, same id
  Commit(set);

  auto all = Reader().ListAttributedThreads(AttributionKind::kCampaign, 7, std::nullopt, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*all, (std::vector<ThreadId>{a, b, c}));

  auto first = Reader().ListAttributedThreads(AttributionKind::kCampaign, 7, std::nullopt, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, (std::vector<ThreadId>{a}));
  auto next = Reader().ListAttributedThreads(AttributionKind::kCampaign, 7, a, 10);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, (std::vector<ThreadId>{b, c}));

  auto flow = Reader().ListAttributedThreads(AttributionKind::kFlow, 7, std::nullopt, 10);
  ASSERT_TRUE(flow.ok());
  EXPECT_EQ(*flow, (std::vector<ThreadId>{c}));
  EXPECT_TRUE(
      Reader().ListAttributedThreads(AttributionKind::kFlow, 99, std::nullopt, 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, ReaderPagesTest,
                         ::testing::Values(BackendKind::kRocksDb, BackendKind::kMemory),
                         testing::BackendName);

}  // namespace
}  // namespace confab::store
