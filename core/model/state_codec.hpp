// state_codec: writes and reads the learnt state of the item model's parts
// (builder, propensity model, replay rings) with one function per type,
// like CAF's inspect: `inspect(f, x)` lists x's fields once, and f is a
// state_encoder (appends them) or a state_decoder (reads them back,
// sizing vectors as it goes). Little-endian, no padding; numbers as they
// are in memory, vectors of numbers in one copy. A decoder never reads past
// its input: a short or inconsistent input sets ok() false and leaves the
// rest of the fields as they were. Plain functions; one encoder or decoder
// per thread. Layout: docs/formats.md, "Item model file".
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace persona {

/// Appends fields to a byte string.
class state_encoder {
 public:
  static constexpr bool loading = false;

  template <class T>
  void operator()(T& x) {
    if constexpr (std::is_arithmetic_v<T>) {
      out_.append(reinterpret_cast<const char*>(&x), sizeof x);
    } else {
      inspect(*this, x);
    }
  }
  template <class T>
  void operator()(std::vector<T>& v) {
    uint64_t n = v.size();
    (*this)(n);
    if constexpr (std::is_arithmetic_v<T>) {
      if (!v.empty())
        out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    } else {
      for (auto& x : v)
        (*this)(x);
    }
  }
  template <class T, size_t N>
  void operator()(std::array<T, N>& a) {
    for (auto& x : a)
      (*this)(x);
  }
  void operator()(std::string& s) {
    uint64_t n = s.size();
    (*this)(n);
    out_.append(s);
  }

  /// Whether every field went in (always).
  bool ok() const { return true; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Reads fields written by state_encoder from a borrowed buffer.
class state_decoder {
 public:
  static constexpr bool loading = true;

  explicit state_decoder(const std::string& in) : p_(in.data()), end_(in.data() + in.size()) {}

  template <class T>
  void operator()(T& x) {
    if constexpr (std::is_arithmetic_v<T>) {
      if (!ok_ || remaining() < sizeof x) {
        ok_ = false;
        return;
      }
      std::memcpy(&x, p_, sizeof x);
      p_ += sizeof x;
    } else {
      inspect(*this, x);
    }
  }
  template <class T>
  void operator()(std::vector<T>& v) {
    uint64_t n = 0;
    (*this)(n);
    // Every element takes at least one byte (a number its size): a larger
    // count is corruption, found before anything is allocated.
    if (!ok_ || n > remaining() / (std::is_arithmetic_v<T> ? sizeof(T) : 1)) {
      ok_ = false;
      return;
    }
    if constexpr (std::is_arithmetic_v<T>) {
      v.resize(n);
      if (n > 0)  // an empty vector's data() may be null
        std::memcpy(v.data(), p_, n * sizeof(T));
      p_ += n * sizeof(T);
    } else {
      // Grown as elements decode: a corrupt count costs no more memory
      // than the bytes that follow.
      v.clear();
      for (uint64_t i = 0; i < n && ok_; ++i)
        (*this)(v.emplace_back());
    }
  }
  template <class T, size_t N>
  void operator()(std::array<T, N>& a) {
    for (auto& x : a)
      (*this)(x);
  }
  void operator()(std::string& s) {
    uint64_t n = 0;
    (*this)(n);
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return;
    }
    s.assign(p_, n);
    p_ += n;
  }

  /// Marks the input inconsistent (a field out of its range).
  void fail() { ok_ = false; }
  /// Whether every field read so far was there and consistent.
  bool ok() const { return ok_; }
  /// Bytes not read yet.
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace persona
