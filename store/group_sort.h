#pragma once

// Orders a merged group's records by column family and key before it is written: the memtable
// is a skiplist per family, and inserting keys in order lets each insert find its place near
// the previous one (hot cache lines) instead of from scratch. Records for the same key keep
// their submission order (sorted stably), so the group's effect is unchanged.

#include <vector>

#include "rocksdb/write_batch.h"

namespace confab::store {

// Returns in `out` the records of `group`'s batches, taken in the batches' order, sorted into
// one batch: one copy, where merging and then sorting would copy twice. Leaves `out` untouched
// and returns false when a batch holds a record kind it does not reorder (anything but put,
// delete, single delete and merge), in which case the caller writes the group unsorted.
bool SortGroup(const std::vector<const rocksdb::WriteBatch*>& group, rocksdb::WriteBatch& out);

}  // namespace confab::store
