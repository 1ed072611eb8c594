// byte_writer / byte_reader: little-endian fixed-width and varint encoding of
// plain fields into a std::string, for the value encoding and the portable
// profile image (docs/formats.md). Readers never read past the end: every get
// returns false on truncated input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace persona {

/// Appends encoded fields to an internal buffer.
class byte_writer {
 public:
  byte_writer() = default;
  /// Writes into `buf`'s storage (emptied first): reuses its capacity.
  explicit byte_writer(std::string buf) : buf_(std::move(buf)) { buf_.clear(); }

  void put_u8(uint8_t x) { buf_.push_back(static_cast<char>(x)); }
  void put_u32(uint32_t x) { put_raw(&x, sizeof x); }
  void put_u64(uint64_t x) { put_raw(&x, sizeof x); }
  void put_i64(int64_t x) { put_raw(&x, sizeof x); }
  void put_f32(float x) { put_raw(&x, sizeof x); }
  void put_f64(double x) { put_raw(&x, sizeof x); }
  void put_varint(uint64_t x) {
    while (x >= 0x80) {
      put_u8(static_cast<uint8_t>(x) | 0x80);
      x >>= 7;
    }
    put_u8(static_cast<uint8_t>(x));
  }
  void put_string(const std::string& s) {
    put_varint(s.size());
    buf_.append(s);
  }
  size_t size() const { return buf_.size(); }
  std::string take() { return std::move(buf_); }

 private:
  // The formats are little-endian; so is every platform Persona builds on.
  void put_raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string buf_;
};

/// Reads fields written by byte_writer from a borrowed buffer.
class byte_reader {
 public:
  explicit byte_reader(const std::string& buf) : p_(buf.data()), end_(buf.data() + buf.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool get_u8(uint8_t& x) { return get_raw(&x, sizeof x); }
  bool get_u32(uint32_t& x) { return get_raw(&x, sizeof x); }
  bool get_u64(uint64_t& x) { return get_raw(&x, sizeof x); }
  bool get_i64(int64_t& x) { return get_raw(&x, sizeof x); }
  bool get_f32(float& x) { return get_raw(&x, sizeof x); }
  bool get_f64(double& x) { return get_raw(&x, sizeof x); }
  bool get_varint(uint64_t& x) {
    x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      if (!get_u8(b))
        return false;
      x |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  }
  bool get_string(std::string& s) {
    uint64_t n = 0;
    if (!get_varint(n) || n > remaining())
      return false;
    s.assign(p_, n);
    p_ += n;
    return true;
  }

 private:
  bool get_raw(void* out, size_t n) {
    if (remaining() < n)
      return false;
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  const char* p_;
  const char* end_;
};

}  // namespace persona
