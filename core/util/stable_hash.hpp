// stable_hash: the one 64-bit string hash (FNV-1a) used wherever a hash must
// not change between runs, machines or versions: user routing, event and
// session ids, devices, symbol and user indexes. Never returns 0, so 0 can
// mean "none". Pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace persona {

inline uint64_t stable_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

}  // namespace persona
