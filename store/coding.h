#pragma once

// Byte coding for store keys and values (leveldb util/coding.h style, written for store/ so it
// does not depend on smpp/). Keys use big-endian fixed-width integers so that RocksDB's bytewise
// order is numeric order; "descending" fields store the bitwise complement so that the newest
// sorts first. Values use LEB128 varints. ByteReader never reads past its input: every getter
// returns false on truncated or malformed input and leaves the reader failed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace confab::store {

inline void PutBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

inline void PutBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

inline void PutVarint64(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A varint length followed by the bytes.
inline void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  PutVarint64(out, bytes.size());
  out.append(bytes);
}

// Bounds-checked sequential reader over a byte string.
class ByteReader {
 public:
  explicit ByteReader(std::string_view input) : input_(input) {}

  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == input_.size(); }
  std::size_t remaining() const { return input_.size() - pos_; }

  bool Byte(uint8_t& out) {
    if (!Need(1)) {
      return false;
    }
    out = static_cast<uint8_t>(input_[pos_++]);
    return true;
  }

  bool BigEndian32(uint32_t& out) {
    uint64_t wide = 0;
    if (!BigEndian(4, wide)) {
      return false;
    }
    out = static_cast<uint32_t>(wide);
    return true;
  }

  bool BigEndian64(uint64_t& out) { return BigEndian(8, out); }

  bool Varint64(uint64_t& out) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      uint8_t byte = 0;
      if (!Byte(byte)) {
        return false;
      }
      if (shift == 63 && byte > 1) {
        return Fail();  // more than 64 bits
      }
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        out = result;
        return true;
      }
    }
    return Fail();
  }

  bool Varint32(uint32_t& out) {
    uint64_t wide = 0;
    if (!Varint64(wide) || wide > UINT32_MAX) {
      return Fail();
    }
    out = static_cast<uint32_t>(wide);
    return true;
  }

  // Reads a varint length then that many bytes; the view points into the input.
  bool LengthPrefixed(std::string_view& out, std::size_t max_length) {
    uint64_t length = 0;
    if (!Varint64(length) || length > max_length || !Need(static_cast<std::size_t>(length))) {
      return Fail();
    }
    out = input_.substr(pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return true;
  }

  bool LengthPrefixed(std::string& out, std::size_t max_length) {
    std::string_view view;
    if (!LengthPrefixed(view, max_length)) {
      return false;
    }
    out.assign(view);
    return true;
  }

  bool Bytes(std::size_t count, std::string_view& out) {
    if (!Need(count)) {
      return false;
    }
    out = input_.substr(pos_, count);
    pos_ += count;
    return true;
  }

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  bool Need(std::size_t count) {
    if (!ok_ || input_.size() - pos_ < count) {
      return Fail();
    }
    return true;
  }
  bool BigEndian(int width, uint64_t& out) {
    if (!Need(static_cast<std::size_t>(width))) {
      return false;
    }
    uint64_t result = 0;
    for (int i = 0; i < width; ++i) {
      result = (result << 8) | static_cast<uint8_t>(input_[pos_++]);
    }
    out = result;
    return true;
  }

  std::string_view input_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace confab::store
