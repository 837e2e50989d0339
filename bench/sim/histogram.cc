#include "bench/sim/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace confab::sim {

// Values below kSub have a bucket each. Above, a value with its top bit at position `msb` is
// shifted right by `shift = msb - (kSubBits - 1)`, leaving a mantissa in [kSub/2, kSub); each
// shift owns kSub/2 buckets.
std::size_t Histogram::IndexOf(uint64_t value) {
  if (value < kSub) {
    return static_cast<std::size_t>(value);
  }
  const int msb = 63 - std::countl_zero(value);
  const int shift = msb - (kSubBits - 1);
  const uint64_t mantissa = value >> shift;  // kSub/2 .. kSub-1
  return static_cast<std::size_t>(kSub + static_cast<uint64_t>(shift - 1) * (kSub / 2) +
                                  (mantissa - kSub / 2));
}

uint64_t Histogram::LowOf(std::size_t index) {
  if (index < kSub) {
    return index;
  }
  const std::size_t rel = index - kSub;
  const int shift = static_cast<int>(rel / (kSub / 2)) + 1;
  const uint64_t mantissa = kSub / 2 + rel % (kSub / 2);
  return mantissa << shift;
}

uint64_t Histogram::HighOf(std::size_t index) {
  if (index < kSub) {
    return index;
  }
  const int shift = static_cast<int>((index - kSub) / (kSub / 2)) + 1;
  return LowOf(index) + ((uint64_t{1} << shift) - 1);
}

void Histogram::Record(uint64_t value, uint64_t count) {
  if (count == 0) {
    return;
  }
  counts_[IndexOf(value)] += count;
  count_ += count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

void Histogram::Merge(const Histogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void Histogram::Reset() { *this = Histogram(); }

uint64_t Histogram::Percentile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t low = LowOf(i);
      const uint64_t mid = low + (HighOf(i) - low) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

std::vector<Histogram::Bucket> Histogram::Buckets() const {
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    if (counts_[i] != 0) {
      out.push_back({LowOf(i), HighOf(i), counts_[i]});
    }
  }
  return out;
}

}  // namespace confab::sim
