#include <catch2/catch.hpp>

#include "core/profile/profile_change.hpp"

using namespace persona;

TEST_CASE("a symbol's bit is its symbol modulo 32, so masks may hold several symbols in one bit") {
  CHECK(symbol_bit(0) == 1u);
  CHECK(symbol_bit(5) == 1u << 5);
  CHECK(symbol_bit(31) == 1u << 31);
  CHECK(symbol_bit(32) == symbol_bit(0));
  CHECK(symbol_bit(37) == symbol_bit(5));
}

TEST_CASE("changes add up bit by bit, and everything has every bit") {
  profile_change c;
  CHECK(c.types == 0);
  CHECK(c.categories == 0);
  CHECK(c.brands == 0);
  c |= profile_change{1u << 4, symbol_bit(3), 0};
  c |= profile_change{1u << 0, symbol_bit(9), symbol_bit(2)};
  CHECK(c.types == ((1u << 4) | 1u));
  CHECK(c.categories == (symbol_bit(3) | symbol_bit(9)));
  CHECK(c.brands == symbol_bit(2));
  auto all = profile_change::everything();
  CHECK(all.types == UINT32_MAX);
  CHECK(all.categories == UINT32_MAX);
  CHECK(all.brands == UINT32_MAX);
  c |= all;
  CHECK(c.types == UINT32_MAX);
}
