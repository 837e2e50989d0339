#include "store/cf_options.h"

#include <algorithm>

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_buffer_manager.h"
#include "store/merge.h"

namespace confab::store {
namespace {

constexpr std::size_t kMinWriteBuffer = 1u << 20;
constexpr uint64_t kBackgroundSyncStep = 1u << 20;

// Families written for every inbound message or its reply get most of the memtable budget; the
// rest are written rarely and get small memtables (flushed early, which costs nothing when idle).
// Every memtable switch starts a new WAL file, whose creation and directory fsync the group
// commit in progress waits for: carrier references and parts in 2 MiB memtables made 9 of the
// 15 switches in 20 s at 10,000 MO/s, and smaller memtables for all of these families (cheaper
// inserts) raised the open-loop ack p99 (bench/RESULTS.md).
bool IsHot(Cf cf) {
  return cf == Cf::kProfiles || cf == Cf::kMessages || cf == Cf::kOutbox ||
         cf == Cf::kCarrierRefs || cf == Cf::kParts;
}

// Families read by point lookups get a bloom filter, so that a miss (a new profile, an
// unknown link code) rarely touches a data block.
bool HasPointLookups(Cf cf) {
  return cf == Cf::kProfiles || cf == Cf::kMessages || cf == Cf::kLinks || cf == Cf::kCarrierRefs ||
         cf == Cf::kClickCounts;
}

}  // namespace

StoreRocksOptions MakeRocksOptions(const StoreOptions& options) {
  StoreRocksOptions out;
  out.db.create_if_missing = true;
  out.db.create_missing_column_families = true;
  out.db.max_open_files = options.max_open_files;
  out.db.max_background_jobs = 2;
  out.db.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes);
  // The WAL is the durability point (group commit fsyncs it), so data files need no fsync
  // per write; RocksDB still syncs them on flush and compaction.
  out.db.manual_wal_flush = false;
  // Flushes and compactions write their files in the background and sync them in 1 MiB steps,
  // not all at the end: a 16 MiB memtable flush otherwise lands on the disk queue at once, and
  // the WAL fsync of the next group commit waits behind it. Open loop at 10,000 MO/s, ack p99:
  // 4.6-5.7 ms with it, 5.6-7.1 ms without (bench/RESULTS.md).
  out.db.bytes_per_sync = kBackgroundSyncStep;

  // Few shards: a shard must hold the largest block (an index or filter partition), else that
  // block is read from the file again on every lookup.
  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(options.block_cache_bytes, /*num_shard_bits=*/4);
  auto table_factory = [&](bool bloom) {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    // Partitioned index and filters: a lookup loads one small partition (4 KiB) instead of a
    // whole-file filter (1.2 MB per million keys); the top level stays pinned.
    table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table.pin_top_level_index_and_filter = true;
    table.metadata_block_size = 4096;
    if (bloom) {
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table.partition_filters = true;
    }
    return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
  };
  const auto plain = table_factory(false);
  const auto bloomed = table_factory(true);

  const std::size_t hot_buffer = std::max(kMinWriteBuffer, options.write_buffer_bytes / 4);
  const std::size_t cold_buffer = std::max(kMinWriteBuffer, options.write_buffer_bytes / 32);
  for (std::size_t i = 0; i < kCfCount; ++i) {
    const Cf cf = static_cast<Cf>(i);
    rocksdb::ColumnFamilyOptions& family = out.families[i];
    family.write_buffer_size = IsHot(cf) ? hot_buffer : cold_buffer;
    family.max_write_buffer_number = 2;
    family.level_compaction_dynamic_level_bytes = true;
    family.table_factory = HasPointLookups(cf) ? bloomed : plain;
    // Messages and links are looked up by keys that exist (from the thread or a short URL
    // that was handed out): no filter on the last level, where most of the data is.
    family.optimize_filters_for_hits = cf == Cf::kMessages;
    // Keys that arrive in (nearly) ascending order under a common prefix — due times — are
    // inserted next to the previous one instead of searched for from the top of the skiplist.
    if (cf == Cf::kOutbox || cf == Cf::kTimers) {
      family.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
    }
    // Every inbound message reads its profile, and a new subscriber's is not there yet: a
    // whole-key bloom filter over the memtable answers "absent" without a skiplist search.
    if (cf == Cf::kProfiles) {
      family.memtable_whole_key_filtering = true;
      family.memtable_prefix_bloom_size_ratio = 0.02;
    }
    // The counters live apart from the click records: a counter merged in every flush would
    // make each flushed file of records overlap the ones before it, so compaction would rewrite
    // them again and again instead of moving them down (it took a core at 55,000 clicks/s).
    if (cf == Cf::kClickCounts) {
      family.merge_operator = NewClickCountsMergeOperator();
    }
  }
  out.other.write_buffer_size = kMinWriteBuffer;
  out.other.table_factory = plain;
  return out;
}

}  // namespace confab::store
