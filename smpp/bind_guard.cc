#include "smpp/bind_guard.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"

namespace confab::smpp {
namespace ip = boost::asio::ip;

namespace {

// IPv4-mapped IPv6 peers (dual-stack listeners) are matched as the IPv4 address they carry.
ip::address Unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

absl::StatusOr<AllowedNetworks> AllowedNetworks::Parse(const std::vector<std::string>& cidrs) {
  AllowedNetworks networks;
  for (const std::string& text : cidrs) {
    std::string cidr = text;
    boost::system::error_code ec;
    if (cidr.find('/') == std::string::npos) {
      ip::address address = ip::make_address(cidr, ec);
      if (ec) {
        return absl::InvalidArgumentError("not an IP address or network: \"" + text + "\"");
      }
      cidr += address.is_v4() ? "/32" : "/128";
    }
    if (cidr.find(':') == std::string::npos) {
      ip::network_v4 net = ip::make_network_v4(cidr, ec);
      if (ec) {
        return absl::InvalidArgumentError("not an IPv4 network: \"" + text + "\"");
      }
      networks.v4_.push_back(net.canonical());
    } else {
      ip::network_v6 net = ip::make_network_v6(cidr, ec);
      if (ec) {
        return absl::InvalidArgumentError("not an IPv6 network: \"" + text + "\"");
      }
      networks.v6_.push_back(net.canonical());
    }
  }
  return networks;
}

bool AllowedNetworks::Allows(const ip::address& peer) const {
  if (empty()) {
    return true;
  }
  ip::address address = Unmapped(peer);
  if (address.is_v4()) {
    return std::any_of(v4_.begin(), v4_.end(), [&](const ip::network_v4& net) {
      return ip::network_v4(address.to_v4(), net.prefix_length()).canonical() == net;
    });
  }
  return std::any_of(v6_.begin(), v6_.end(), [&](const ip::network_v6& net) {
    return ip::network_v6(address.to_v6(), net.prefix_length()).canonical() == net;
  });
}

bool BindRateLimiter::Allow(const ip::address& peer, std::chrono::steady_clock::time_point now) {
  if (burst_ == 0) {
    return true;
  }
  ip::address address = Unmapped(peer);
  Key key{};
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), key.begin());
  } else {
    key = address.to_v6().to_bytes();
  }
  double rate = interval_.count() > 0 ? static_cast<double>(burst_) / interval_.count() : 0.0;
  std::lock_guard lock(mutex_);
  // Buckets that have refilled completely carry no information: drop them so that a scan of
  // many addresses cannot grow the map without bound.
  if (buckets_.size() > 4096) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double elapsed = std::chrono::duration<double, std::milli>(now - it->second.updated).count();
      if (it->second.tokens + elapsed * rate >= burst_) {
        buckets_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& bucket = it->second;
  if (!inserted) {
    double elapsed = std::chrono::duration<double, std::milli>(now - bucket.updated).count();
    bucket.tokens = std::min<double>(burst_, bucket.tokens + elapsed * rate);
    bucket.updated = now;
  }
  if (bucket.tokens < 1.0) {
    return false;
  }
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace confab::smpp
