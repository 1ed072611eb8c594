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

TEST_CASE("a value whose declared counts exceed its bytes does not decode") {
  value out;
  SECTION("an array of 2^40 elements in ten bytes") {
    std::string bytes{static_cast<char>(value::kind::array)};
    bytes += std::string("\x80\x80\x80\x80\x80\x20", 6);  // varint 2^40
    bytes += std::string(4, '\0');
    CHECK_FALSE(decode_value(bytes, out));
  }
  SECTION("a map of more members than two bytes each can hold") {
    std::string bytes{static_cast<char>(value::kind::map)};
    bytes += '\x06';  // six members in six bytes: each needs a key and a tag
    bytes += std::string(6, '\0');
    CHECK_FALSE(decode_value(bytes, out));
  }
  SECTION("nested arrays each declaring as many elements as bytes remain") {
    std::string bytes;
    for (int i = 0; i < 60; ++i) {
      bytes += static_cast<char>(value::kind::array);
      bytes += '\x7f';
    }
    CHECK_FALSE(decode_value(bytes, out));
  }
  SECTION("an array declaring exactly its elements still decodes") {
    value v{value::array{value{}, value{true}, value{"x"}}};
    REQUIRE(decode_value(encode_value(v), out));
    CHECK(out == v);
  }
}
