#include "core/util/siphash.hpp"

#include <cstring>

namespace persona {

namespace {

uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

uint64_t load_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

struct sip_state {
  uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }

  void absorb(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

}  // namespace

siphash_key siphash_key::from_bytes(std::string_view secret) {
  unsigned char bytes[16] = {};
  std::memcpy(bytes, secret.data(), secret.size() < 16 ? secret.size() : 16);
  return {load_le64(bytes), load_le64(bytes + 8)};
}

siphash_key siphash_key::derive(std::string_view purpose) const {
  // Two hashes of the purpose under this key, with a distinct marker byte
  // each, make the derived key's halves.
  std::string_view marker_a = "persona-derive-a";
  std::string_view marker_b = "persona-derive-b";
  siphash_key first{siphash24(*this, marker_a), siphash24(*this, marker_b)};
  return {siphash24(first, purpose), siphash24({first.k1, first.k0}, purpose)};
}

uint64_t siphash24(const siphash_key& key, std::string_view data) {
  sip_state s{0x736f6d6570736575ull ^ key.k0, 0x646f72616e646f6dull ^ key.k1, 0x6c7967656e657261ull ^ key.k0,
              0x7465646279746573ull ^ key.k1};
  auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  size_t whole = n - n % 8;
  for (size_t i = 0; i < whole; i += 8)
    s.absorb(load_le64(p + i));
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t i = 0; i < n % 8; ++i)
    last |= static_cast<uint64_t>(p[whole + i]) << (8 * i);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i)
    s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace persona
