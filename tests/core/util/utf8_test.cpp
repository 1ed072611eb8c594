#include <catch2/catch.hpp>
#include <string>

#include "core/util/utf8.hpp"

using namespace persona;

TEST_CASE("is_utf8 accepts ASCII and well-formed sequences of every length") {
  CHECK(is_utf8(""));
  CHECK(is_utf8("ping"));
  CHECK(is_utf8("caf\xc3\xa9"));                   // é, two bytes
  CHECK(is_utf8("\xe2\x82\xac"));                  // €, three bytes
  CHECK(is_utf8("\xf0\x9f\x9b\x92"));              // a shopping cart, four bytes
  CHECK(is_utf8("\xef\xbf\xbf\xf4\x8f\xbf\xbf"));  // U+FFFF and U+10FFFF
  CHECK(is_utf8(std::string("a\0b", 3)));          // NUL is a code point
}

TEST_CASE("is_utf8 refuses stray, truncated, overlong and out-of-range sequences") {
  SECTION("a continuation byte with no lead") {
    CHECK_FALSE(is_utf8("\x80"));
  }
  SECTION("a lead byte at the end") {
    CHECK_FALSE(is_utf8("ab\xc3"));
  }
  SECTION("a three-byte sequence cut short") {
    CHECK_FALSE(is_utf8("\xe2\x82"));
  }
  SECTION("a lead byte followed by ASCII") {
    CHECK_FALSE(is_utf8("\xe2\x41\x41"));
  }
  SECTION("overlong forms") {
    CHECK_FALSE(is_utf8("\xc0\xaf"));
    CHECK_FALSE(is_utf8("\xc1\xbf"));
    CHECK_FALSE(is_utf8("\xe0\x80\xaf"));
    CHECK_FALSE(is_utf8("\xf0\x80\x80\xaf"));
  }
  SECTION("UTF-16 surrogates") {
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));
  }
  SECTION("past U+10FFFF") {
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80"));
    CHECK_FALSE(is_utf8("\xf5\x80\x80\x80"));
  }
  SECTION("bytes that never occur") {
    CHECK_FALSE(is_utf8("\xfe"));
    CHECK_FALSE(is_utf8("\xff"));
  }
}
