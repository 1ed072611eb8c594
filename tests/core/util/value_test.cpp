#include <catch2/catch.hpp>

#include "core/util/value.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("a value tree survives its binary encoding") {
  value v = map_of(
      {{"a", value{1}},
       {"b", value{value::array{value{}, value{true}, value{-3}, value{uint64_t{1} << 63}, value{2.5}}}},
       {"c", map_of({{"nested", value{"text"}}})}});
  value back;
  REQUIRE(decode_value(encode_value(v), back));
  CHECK(back == v);
  CHECK(back.to_json() == v.to_json());
  auto bytes = encode_value(v);
  CHECK_FALSE(decode_value(bytes.substr(0, bytes.size() - 1), back));
  CHECK_FALSE(decode_value(bytes + "x", back));
}

TEST_CASE("JSON output escapes strings and marks floats") {
  value v = map_of({{"s", value{"a\"b\n"}}, {"f", value{2.0}}, {"i", value{2}}, {"n", value{}}});
  CHECK(v.to_json() == R"({"s":"a\"b\n","f":2.0,"i":2,"n":null})");
}
