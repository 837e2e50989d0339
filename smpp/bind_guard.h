#pragma once

// SMSC-side admission checks that run before the credentials are looked at: allowed source
// networks and a per-address bind rate limit. Thread-safe: one guard serves every connection of
// a server, whatever strand it runs on.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/network_v4.hpp"
#include "boost/asio/ip/network_v6.hpp"

namespace confab::smpp {

// A set of CIDR networks ("10.0.0.0/8", "::1/128", or a bare address). Empty allows everyone.
class AllowedNetworks {
 public:
  static absl::StatusOr<AllowedNetworks> Parse(const std::vector<std::string>& cidrs);
  bool Allows(const boost::asio::ip::address& address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// Token bucket per peer address: `burst` bind attempts at once, refilled at `burst` per
// `interval`. burst 0 disables the limit.
class BindRateLimiter {
 public:
  BindRateLimiter(uint32_t burst, std::chrono::milliseconds interval)
      : burst_(burst), interval_(interval) {}

  // Counts one attempt from `address`; false when it is over the limit.
  bool Allow(const boost::asio::ip::address& address,
             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  using Key = std::array<uint8_t, 16>;

  uint32_t burst_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  absl::flat_hash_map<Key, Bucket> buckets_;
};

}  // namespace confab::smpp
