// xorshift_random: a tiny pseudo-random generator (xorshift64*) for the
// draws made per event or per training step (a coin flip, a negative
// item), where <random>'s engines and distributions cost more than the
// work they decide. Not for anything that needs statistical quality.
// Not thread-safe: one per owner.
#pragma once

#include <cstdint>

namespace persona {

class xorshift_random {
 public:
  /// REQUIRES: state != 0.
  explicit xorshift_random(uint64_t state) : state_(state) {}

  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ull;
  }

  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// The generator's state, to save it and go on later with the same draws.
  template <class F>
  friend void inspect(F& f, xorshift_random& x) {
    f(x.state_);
    if (x.state_ == 0)
      x.state_ = 1;
  }

 private:
  uint64_t state_;
};

}  // namespace persona
