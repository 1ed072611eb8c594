#include "core/util/table_hash.hpp"

#include <sys/random.h>

#include <chrono>
#include <cstring>

#include "core/util/siphash.hpp"

namespace persona {

namespace {

siphash_key process_key() {
  unsigned char bytes[16] = {};
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n <= 0)
      break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof bytes) {
    // No entropy source: the clock still differs between processes.
    auto t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    std::memcpy(bytes, &t, sizeof t);
  }
  return siphash_key::from_bytes(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

uint64_t table_hash(std::string_view s) {
  static const siphash_key key = process_key();
  uint64_t h = siphash24(key, s);
  return h == 0 ? 1 : h;
}

}  // namespace persona
