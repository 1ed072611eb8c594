#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "core/util/byte_codec.hpp"

using namespace persona;

TEST_CASE("fields read back as they were written, little-endian and fixed width") {
  byte_writer w;
  w.put_u8(0xab);
  w.put_u32(0x01020304u);
  w.put_u64(0x0102030405060708ull);
  w.put_i64(-2);
  w.put_f32(1.5f);
  w.put_f64(-0.25);
  w.put_string("hello");
  CHECK(w.size() == 1 + 4 + 8 + 8 + 4 + 8 + 1 + 5);
  auto bytes = w.take();
  REQUIRE(bytes.size() == 39);
  // The u32 starts with its lowest byte.
  CHECK(bytes[1] == 0x04);
  CHECK(bytes[4] == 0x01);

  byte_reader r(bytes);
  uint8_t u8 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  float f32 = 0;
  double f64 = 0;
  std::string s;
  REQUIRE(r.get_u8(u8));
  REQUIRE(r.get_u32(u32));
  REQUIRE(r.get_u64(u64));
  REQUIRE(r.get_i64(i64));
  REQUIRE(r.get_f32(f32));
  REQUIRE(r.get_f64(f64));
  REQUIRE(r.get_string(s));
  CHECK(u8 == 0xab);
  CHECK(u32 == 0x01020304u);
  CHECK(u64 == 0x0102030405060708ull);
  CHECK(i64 == -2);
  CHECK(f32 == 1.5f);
  CHECK(f64 == -0.25);
  CHECK(s == "hello");
  CHECK(r.remaining() == 0);
  CHECK_FALSE(r.get_u8(u8));
}

TEST_CASE("varints take seven bits a byte, low bits first") {
  auto encoded = [](uint64_t x) {
    byte_writer w;
    w.put_varint(x);
    return w.take();
  };
  CHECK(encoded(0) == std::string(1, '\0'));
  CHECK(encoded(127) == "\x7f");
  CHECK(encoded(128) == std::string("\x80\x01", 2));
  CHECK(encoded(300) == std::string("\xac\x02", 2));
  CHECK(encoded(UINT64_MAX).size() == 10);
  for (uint64_t x : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383}, uint64_t{16384},
                     uint64_t{1} << 35, UINT64_MAX - 1, UINT64_MAX}) {
    auto bytes = encoded(x);
    byte_reader r(bytes);
    uint64_t back = 1;
    REQUIRE(r.get_varint(back));
    CHECK(back == x);
    CHECK(r.remaining() == 0);
  }
}

TEST_CASE("a reader never reads past the end: every truncated field is refused") {
  byte_writer w;
  w.put_u64(7);
  w.put_varint(UINT64_MAX);
  w.put_string("a string of some length");
  auto bytes = w.take();
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string cut = bytes.substr(0, n);
    byte_reader r(cut);
    uint64_t u = 0, v = 0;
    std::string s;
    bool whole = r.get_u64(u) && r.get_varint(v) && r.get_string(s);
    CHECK_FALSE(whole);
  }
  // A string whose length runs past the end.
  byte_writer liar;
  liar.put_varint(100);
  auto short_string = liar.take() + "abc";
  byte_reader r(short_string);
  std::string s;
  CHECK_FALSE(r.get_string(s));
  // A varint longer than ten bytes.
  std::string endless(11, '\x80');
  byte_reader v(endless);
  uint64_t x = 0;
  CHECK_FALSE(v.get_varint(x));
}

TEST_CASE("a writer given a buffer reuses its storage and starts empty") {
  std::string old = "previous contents";
  old.reserve(1000);
  byte_writer w(std::move(old));
  CHECK(w.size() == 0);
  w.put_string("x");
  auto bytes = w.take();
  CHECK(bytes == std::string("\x01x", 2));
  CHECK(bytes.capacity() >= 1000);
}
