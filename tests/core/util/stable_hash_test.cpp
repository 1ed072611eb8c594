#include <catch2/catch.hpp>
#include <string>

#include "core/util/stable_hash.hpp"

using namespace persona;

TEST_CASE("stable_hash gives the same values as ever: user routing and files depend on them") {
  // FNV-1a's steps from the offset basis 1469598103934665603.
  CHECK(stable_hash("") == 0x14650fb0739d0383ull);
  CHECK(stable_hash("a") == 0x44bd8ad473cd9906ull);
  CHECK(stable_hash("foobar") == 0x88fad7c0a8ff07f2ull);
}

TEST_CASE("stable_hash reads every byte, in order") {
  CHECK(stable_hash("foo") != stable_hash("oof"));
  CHECK(stable_hash("ab") != stable_hash("a"));
  std::string with_zero("a\0b", 3);
  CHECK(stable_hash(with_zero) != stable_hash("a"));
  CHECK(stable_hash(with_zero) != stable_hash("ab"));
  CHECK(stable_hash(std::string(1000, 'x')) != stable_hash(std::string(999, 'x')));
}
