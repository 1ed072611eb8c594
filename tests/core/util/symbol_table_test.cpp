#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "core/util/stable_hash.hpp"
#include "core/util/symbol_table.hpp"

using namespace persona;

TEST_CASE("symbols are dense from 0 in order of first use, and a name keeps its symbol") {
  symbol_table t;
  CHECK(t.size() == 0);
  CHECK(t.intern("shoes") == 0);
  CHECK(t.intern("hats") == 1);
  CHECK(t.intern("shoes") == 0);
  CHECK(t.intern("acme") == 2);
  CHECK(t.intern("hats") == 1);
  CHECK(t.size() == 3);
  CHECK(t.name(0) == "shoes");
  CHECK(t.name(1) == "hats");
  CHECK(t.name(2) == "acme");
}

TEST_CASE("find answers the symbol of an interned name and missing otherwise, interning nothing") {
  symbol_table t;
  CHECK(t.find("shoes") == symbol_table::missing);
  auto shoes = t.intern("shoes");
  CHECK(t.find("shoes") == shoes);
  CHECK(t.find("Shoes") == symbol_table::missing);
  CHECK(t.find("shoe") == symbol_table::missing);
  CHECK(t.find("shoess") == symbol_table::missing);
  CHECK(t.find("") == symbol_table::missing);
  CHECK(t.size() == 1);
}

TEST_CASE("names are compared by their bytes: the empty name, embedded zeros and views into longer text") {
  symbol_table t;
  auto empty = t.intern("");
  CHECK(t.find("") == empty);
  CHECK(t.name(empty).empty());

  std::string with_zero("a\0b", 3);
  auto z = t.intern(with_zero);
  CHECK(z != t.intern("a"));
  CHECK(t.find(with_zero) == z);
  CHECK(t.name(z) == with_zero);
  CHECK(t.name(z).size() == 3);

  // A view that is not the whole of its buffer interns only what it shows.
  std::string text = "category=shoes;brand=acme";
  std::string_view shoes = std::string_view(text).substr(9, 5);
  auto s = t.intern(shoes);
  CHECK(t.name(s) == "shoes");
  CHECK(t.find("shoes") == s);
  CHECK(t.find("shoes;brand=acme") == symbol_table::missing);
}

TEST_CASE("interning with a hash computed earlier is the same as interning without") {
  symbol_table t;
  CHECK(symbol_table::hash("shoes") == stable_hash("shoes"));
  CHECK(symbol_table::hash("shoes") != symbol_table::hash("hats"));
  auto h = symbol_table::hash("shoes");
  auto shoes = t.intern("shoes", h);
  CHECK(shoes == 0);
  CHECK(t.intern("shoes") == shoes);
  CHECK(t.intern("hats", symbol_table::hash("hats")) == 1);
  CHECK(t.intern("hats") == 1);
  CHECK(t.find("hats") == 1);
  CHECK(t.size() == 2);
}

TEST_CASE("a table of many names answers every one of them as it grows") {
  symbol_table t;
  const uint32_t n = 100000;
  for (uint32_t i = 0; i < n; ++i) {
    REQUIRE(t.intern("item-" + std::to_string(i)) == i);
    // Names interned earlier keep their symbols while the index grows.
    if (i % 9973 == 0)
      for (uint32_t j = 0; j <= i; j += 997)
        REQUIRE(t.find("item-" + std::to_string(j)) == j);
  }
  CHECK(t.size() == n);
  for (uint32_t i = 0; i < n; ++i) {
    auto name = "item-" + std::to_string(i);
    REQUIRE(t.find(name) == i);
    REQUIRE(t.name(i) == name);
    REQUIRE(t.intern(name) == i);
  }
  CHECK(t.size() == n);
  CHECK(t.find("item-" + std::to_string(n)) == symbol_table::missing);
}

TEST_CASE("prefetch_name guesses the symbol of a hash, and missing for a name never interned") {
  symbol_table t;
  CHECK(t.prefetch_name(symbol_table::hash("shoes")) == symbol_table::missing);
  for (int i = 0; i < 1000; ++i)
    t.intern("name-" + std::to_string(i));
  // No two of these names share a hash, so every guess is right.
  for (uint32_t i = 0; i < 1000; ++i) {
    auto h = symbol_table::hash("name-" + std::to_string(i));
    t.prefetch(h);
    REQUIRE(t.prefetch_name(h) == i);
  }
  CHECK(t.prefetch_name(symbol_table::hash("name-1000")) == symbol_table::missing);
  CHECK(t.size() == 1000);
}

TEST_CASE("memory_bytes counts the index, each name and the text of long names") {
  symbol_table t;
  size_t empty = t.memory_bytes();
  t.intern("short");
  size_t one = t.memory_bytes();
  CHECK(one >= empty + sizeof(std::string));
  // A name too long to be stored inside its std::string adds its text.
  std::string long_name(200, 'x');
  t.intern(long_name);
  CHECK(t.memory_bytes() >= one + sizeof(std::string) + 200);
  // Interning a name again adds nothing.
  size_t before = t.memory_bytes();
  t.intern(long_name);
  t.intern("short");
  CHECK(t.memory_bytes() == before);
}
