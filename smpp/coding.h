#pragma once

// Wire primitives: a bounds-checked big-endian reader and appending writers. Every SMPP integer is
// big-endian (facts, conventions); the byte order itself is Boost.Endian's job.

#include <boost/endian/conversion.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace confab::smpp::coding {

// Reads forward through a byte span. A Read* that would pass the end returns false and leaves
// the reader where it was; nothing here can read out of bounds.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  bool ReadU8(uint8_t& v) {
    if (remaining() < 1) {
      return false;
    }
    v = data_[pos_++];
    return true;
  }
  bool ReadU16(uint16_t& v) {
    if (remaining() < 2) {
      return false;
    }
    v = boost::endian::load_big_u16(data_.data() + pos_);
    pos_ += 2;
    return true;
  }
  bool ReadU32(uint32_t& v) {
    if (remaining() < 4) {
      return false;
    }
    v = boost::endian::load_big_u32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool ReadBytes(std::size_t n, std::span<const uint8_t>& v) {
    if (remaining() < n) {
      return false;
    }
    v = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  // Everything not read yet; the reader is then at the end.
  std::span<const uint8_t> TakeRest() {
    std::span<const uint8_t> rest = data_.subspan(pos_);
    pos_ = data_.size();
    return rest;
  }
  // Position of the first 0x00 among the next `limit` octets (relative to the current position),
  // or npos when there is none.
  std::size_t FindNul(std::size_t limit) const {
    const std::size_t n = limit < remaining() ? limit : remaining();
    const void* hit = n == 0 ? nullptr : std::memchr(data_.data() + pos_, 0, n);
    return hit == nullptr
               ? std::string_view::npos
               : static_cast<std::size_t>(static_cast<const uint8_t*>(hit) - (data_.data() + pos_));
  }

 private:
  std::span<const uint8_t> data_;
  std::size_t pos_ = 0;
};

// Reads a big-endian Int4 at `p` (the caller has checked that 4 octets are there).
inline uint32_t LoadU32(const uint8_t* p) { return boost::endian::load_big_u32(p); }
inline void StoreU32(uint8_t* p, uint32_t v) { boost::endian::store_big_u32(p, v); }

inline void PutU8(std::vector<uint8_t>& out, uint8_t v) { out.push_back(v); }
inline void PutU16(std::vector<uint8_t>& out, uint16_t v) {
  uint8_t b[2];
  boost::endian::store_big_u16(b, v);
  out.insert(out.end(), b, b + 2);
}
inline void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t b[4];
  boost::endian::store_big_u32(b, v);
  out.insert(out.end(), b, b + 4);
}
inline void PutBytes(std::vector<uint8_t>& out, std::span<const uint8_t> v) {
  out.insert(out.end(), v.begin(), v.end());
}
inline void PutChars(std::vector<uint8_t>& out, std::string_view v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  out.insert(out.end(), p, p + v.size());
}

}  // namespace confab::smpp::coding
