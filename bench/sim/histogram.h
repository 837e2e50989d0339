#pragma once

// A log-bucketed latency histogram in the style of HdrHistogram: fixed memory (about 60 KiB),
// every value from 0 to 2^63 recorded with a relative error below 1/256 (each bucket is at most
// 1/128 of its lower bound wide and a percentile reports the bucket's midpoint), mergeable by
// adding counts. Not thread-safe: give each thread its own and Merge() them.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace confab::sim {

class Histogram {
 public:
  static constexpr int kSubBits = 8;  // 128..255 sub-buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr std::size_t kBuckets = kSub + (64 - kSubBits) * (kSub / 2);

  void Record(uint64_t value, uint64_t count = 1);
  void Merge(const Histogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

  // The value at quantile q in [0, 1] (rank ceil(q * count), at least 1): the midpoint of the
  // bucket holding that rank, clamped to [min, max]. 0 when empty.
  uint64_t Percentile(double q) const;

  // Non-empty buckets in value order, for the --latency-csv output.
  struct Bucket {
    uint64_t low = 0;   // inclusive
    uint64_t high = 0;  // inclusive
    uint64_t count = 0;
  };
  std::vector<Bucket> Buckets() const;

  static std::size_t IndexOf(uint64_t value);
  static uint64_t LowOf(std::size_t index);
  static uint64_t HighOf(std::size_t index);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace confab::sim
