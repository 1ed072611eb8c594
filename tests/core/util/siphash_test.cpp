#include "core/util/siphash.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace persona;

namespace {

siphash_key reference_key() {
  std::string bytes;
  for (int i = 0; i < 16; ++i)
    bytes.push_back(static_cast<char>(i));
  return siphash_key::from_bytes(bytes);
}

std::string counting_bytes(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s.push_back(static_cast<char>(i));
  return s;
}

}  // namespace

TEST_CASE("siphash24 matches the reference test vectors", "[util][siphash]") {
  auto key = reference_key();
  // From the SipHash paper's reference implementation (vectors.h), read
  // as little-endian 64-bit words.
  CHECK(siphash24(key, counting_bytes(0)) == 0x726fdb47dd0e0e31ull);
  CHECK(siphash24(key, counting_bytes(1)) == 0x74f839c593dc67fdull);
  CHECK(siphash24(key, counting_bytes(8)) == 0x93f5f5799a932462ull);
  CHECK(siphash24(key, counting_bytes(15)) == 0xa129ca6149be45e5ull);
}

TEST_CASE("siphash24 depends on the key", "[util][siphash]") {
  auto key = reference_key();
  siphash_key other{key.k0 ^ 1, key.k1};
  CHECK(siphash24(key, "13800138000") != siphash24(other, "13800138000"));
  CHECK(siphash24(key, "13800138000") == siphash24(key, "13800138000"));
}

TEST_CASE("derived keys differ by purpose and from their parent", "[util][siphash]") {
  auto key = reference_key();
  auto device = key.derive("device");
  auto user = key.derive("user");
  CHECK_FALSE(device.is_zero());
  CHECK((device.k0 != user.k0 || device.k1 != user.k1));
  CHECK(siphash24(device, "phone-1") != siphash24(user, "phone-1"));
  CHECK(siphash24(device, "phone-1") != siphash24(key, "phone-1"));
  auto again = key.derive("device");
  CHECK(again.k0 == device.k0);
  CHECK(again.k1 == device.k1);
}
