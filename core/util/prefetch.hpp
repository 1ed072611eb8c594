// prefetch: cache hints that the optimiser cannot delete.
//
// GCC models __builtin_prefetch as free of side effects. A loop, or a
// function, whose only work is prefetching is therefore dead code to it: a
// pass over a batch that only prefetches is removed whole, and a call to a
// non-inline prefetching function is dropped as a call to a pure function
// whose result is unused. The empty volatile asm below takes the address as
// an input, which makes each hint an effect the compiler must keep, at the
// cost of nothing but the register that holds the address.
#pragma once

#include <cstddef>

namespace persona {

/// Asks the CPU to start loading the cache line holding `p`.
inline void prefetch_line(const void* p) {
  __builtin_prefetch(p);
  asm volatile("" : : "r"(p));
}

/// Asks the CPU to start loading every cache line of the `bytes` bytes at `p`.
inline void prefetch_bytes(const void* p, size_t bytes) {
  if (bytes == 0)
    return;
  auto* from = static_cast<const char*>(p);
  for (size_t off = 0; off < bytes; off += 64)
    prefetch_line(from + off);
  prefetch_line(from + bytes - 1);
}

/// The same for every element of a contiguous container (a vector, an array).
template <class Contiguous>
void prefetch_elements(const Contiguous& c) {
  prefetch_bytes(c.data(), c.size() * sizeof(*c.data()));
}

}  // namespace persona
