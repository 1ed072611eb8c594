#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "core/storage/crc32c.hpp"

using namespace persona;

TEST_CASE("crc32c matches the published check value in both implementations") {
  const char* check = "123456789";
  CHECK(crc32c(0, check, 9) == 0xE3069283u);
  CHECK(crc32c_portable(0, check, 9) == 0xE3069283u);
  // Extending a checksum equals checksumming the concatenation.
  CHECK(crc32c(crc32c(0, check, 4), check + 4, 5) == 0xE3069283u);
  CHECK(crc32c_portable(crc32c_portable(0, check, 4), check + 4, 5) == 0xE3069283u);
  std::mt19937 rng(7);
  std::string noise(1000, '\0');
  for (auto& c : noise)
    c = static_cast<char>(rng());
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 1000u})
    CHECK(crc32c(0, noise.data(), n) == crc32c_portable(0, noise.data(), n));
}
