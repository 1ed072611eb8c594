#include <catch2/catch.hpp>

#include "net/frame_decoder.hpp"
#include "net/message_walker.hpp"
#include "net/msgpack_value.hpp"
#include "net/rpc_codec.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;

TEST_CASE("messages split across reads and packed together come out whole") {
  auto a = encode_request(1, "ping", value{value::array{}});
  auto b = encode_request(2, "get_profile", value{value::array{value{"u1"}}});
  std::string stream = a + b;
  frame_decoder d(1 << 20);
  msgpack::object_handle oh;
  d.feed(stream.data(), 3);
  CHECK(d.next(oh) == frame_decoder::outcome::need_more);
  d.feed(stream.data() + 3, stream.size() - 3);
  REQUIRE(d.next(oh) == frame_decoder::outcome::message);
  rpc_message m;
  std::optional<uint32_t> id;
  REQUIRE_FALSE(parse_message(oh.get(), m, id));
  CHECK(m.method == "ping");
  REQUIRE(d.next(oh) == frame_decoder::outcome::message);
  REQUIRE_FALSE(parse_message(oh.get(), m, id));
  CHECK(m.msgid == 2);
  CHECK(d.next(oh) == frame_decoder::outcome::need_more);
}

TEST_CASE("bytes that are not msgpack are malformed") {
  frame_decoder d(1 << 20);
  const char garbage[] = "\xc1\xc1\xc1";
  d.feed(garbage, 3);
  msgpack::object_handle oh;
  CHECK(d.next(oh) == frame_decoder::outcome::malformed);
  CHECK_FALSE(d.failed_msgid());
}

TEST_CASE("a message over the size limit is too_large, with its msgid") {
  frame_decoder d(1024);
  auto big = encode_request(77, "ingest", value{value::array{value{std::string(4000, 'x')}}});
  d.feed(big.data(), 1500);
  msgpack::object_handle oh;
  CHECK(d.next(oh) == frame_decoder::outcome::too_large);
  REQUIRE(d.failed_msgid());
  CHECK(*d.failed_msgid() == 77);
}

TEST_CASE("a forged huge length is refused before anything is allocated for it") {
  frame_decoder d(16 << 20);
  // [0, 9, "ingest", <array32 of 4,294,967,295 elements>]
  const char forged[] =
      "\x94\x00\x09\xa6"
      "ingest"
      "\xdd\xff\xff\xff\xff";
  std::string bytes(forged, sizeof forged - 1);
  d.feed(bytes.data(), bytes.size());
  msgpack::object_handle oh;
  CHECK(d.next(oh) == frame_decoder::outcome::too_large);
  REQUIRE(d.failed_msgid());
  CHECK(*d.failed_msgid() == 9);
  // A huge declared string is refused as soon as its header is read: the
  // bytes that may still arrive could not hold it.
  frame_decoder s(1024);
  const char huge_str[] =
      "\x94\x00\xcd\x01\x00\xa4"
      "ping"
      "\xdb\xff\xff\xff\xf0";
  std::string str(huge_str, sizeof huge_str - 1);
  s.feed(str.data(), str.size());
  CHECK(s.next(oh) == frame_decoder::outcome::too_large);
  REQUIRE(s.failed_msgid());
  CHECK(*s.failed_msgid() == 256);
  // A string that fits the limit waits for its bytes.
  frame_decoder w(1024);
  const char fitting[] =
      "\x94\x00\x05\xa4"
      "ping"
      "\x91\xd9\xc8";  // [str8 of 200 bytes]
  std::string head(fitting, sizeof fitting - 1);
  w.feed(head.data(), head.size());
  CHECK(w.next(oh) == frame_decoder::outcome::need_more);
  std::string body(200, 'x');
  w.feed(body.data(), body.size());
  CHECK(w.next(oh) == frame_decoder::outcome::message);
}

TEST_CASE("the msgid is read from every request header form") {
  CHECK(*peek_request_msgid("\x94\x00\x05", 3) == 5);
  CHECK(*peek_request_msgid("\x94\x00\xcc\xfa", 4) == 250);
  CHECK(*peek_request_msgid("\x94\x00\xce\x00\x01\x00\x00", 7) == 65536);
  CHECK(*peek_request_msgid("\xdc\x00\x04\x00\x07", 5) == 7);
  CHECK_FALSE(peek_request_msgid("\x93\x02\x05", 3));  // a notification has no msgid
  CHECK_FALSE(peek_request_msgid("\x94\x00", 2));      // truncated
}

namespace {

/// [0, 1, "ingest", <64 map32 headers of 2^20 pairs, each the first value of the one before>].
std::string nested_map32_attack() {
  std::string bytes("\x94\x00\x01\xa6ingest", 10);
  for (int i = 0; i < 64; ++i)
    bytes += std::string("\xdf\x00\x10\x00\x00\xa1k", 7);
  return bytes;
}

}  // namespace

TEST_CASE("nested map32 headers that the bytes still to come cannot hold are refused before decoding") {
  frame_decoder d(16 << 20);
  auto attack = nested_map32_attack();
  msgpack::object_handle oh;
  // Fed header by header, as a client that stalls would send them: the
  // decoder reads on until the pairs declared pass what 16 MiB can hold.
  size_t fed = 0;
  auto outcome = frame_decoder::outcome::need_more;
  while (fed < attack.size() && outcome == frame_decoder::outcome::need_more) {
    size_t n = std::min<size_t>(7, attack.size() - fed);
    d.feed(attack.data() + fed, n);
    fed += n;
    outcome = d.next(oh);
  }
  CHECK(outcome == frame_decoder::outcome::too_large);
  CHECK(fed < 100);  // the ninth header at the latest: 8 x 2^21 values owed > 16 MiB
  CHECK(d.failure().find("cannot fit") != std::string::npos);
  REQUIRE(d.failed_msgid());
  CHECK(*d.failed_msgid() == 1);
}

TEST_CASE("a message whose decoding passes the decode budget is too_large") {
  // 100,000 nils in an array: 100 KB of message, 1.6 MB of objects decoded.
  std::string bytes("\x94\x00\x02\xa6ingest\x91\xdd\x00\x01\x86\xa0", 16);
  bytes += std::string(100000, '\xc0');
  frame_decoder small(1 << 20, 1 << 20);
  small.feed(bytes.data(), bytes.size());
  msgpack::object_handle oh;
  CHECK(small.next(oh) == frame_decoder::outcome::too_large);
  CHECK(small.failure().find("max_connection_decode_bytes") != std::string::npos);
  frame_decoder large(1 << 20, 4 << 20);
  large.feed(bytes.data(), bytes.size());
  REQUIRE(large.next(oh) == frame_decoder::outcome::message);
  CHECK(large.message_cost() >= 100000 * sizeof(msgpack::object));
  CHECK(large.message_cost() < 4 << 20);
}

TEST_CASE("a complete message over the budget left waits in the decoder until there is room") {
  auto a = encode_request(1, "get_profile", value{value::array{value{std::string(1000, 'u')}}});
  auto b = encode_request(2, "ping", value{value::array{}});
  frame_decoder d(1 << 20, 1 << 20);
  std::string both = a + b;
  d.feed(both.data(), both.size());
  msgpack::object_handle oh;
  CHECK(d.next(oh, 100) == frame_decoder::outcome::over_budget);
  CHECK(d.message_cost() > 1000);
  CHECK(d.next(oh, 100) == frame_decoder::outcome::over_budget);
  REQUIRE(d.next(oh, d.message_cost()) == frame_decoder::outcome::message);
  rpc_message m;
  std::optional<uint32_t> id;
  REQUIRE_FALSE(parse_message(oh.get(), m, id));
  CHECK(m.msgid == 1);
  REQUIRE(d.next(oh) == frame_decoder::outcome::message);
  REQUIRE_FALSE(parse_message(oh.get(), m, id));
  CHECK(m.msgid == 2);
}

TEST_CASE("the walker finds the end of every msgpack form, fed one byte at a time") {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(17);
  pk.pack_nil();
  pk.pack(true);
  pk.pack(uint64_t{1} << 40);
  pk.pack(int64_t{-5});
  pk.pack(int64_t{-1000});
  pk.pack(uint16_t{300});
  pk.pack(1.5f);
  pk.pack(2.5);
  pk.pack(std::string(40, 's'));
  pk.pack(std::string(300, 'S'));
  pk.pack_bin(3);
  pk.pack_bin_body("abc", 3);
  pk.pack_ext(1, 7);
  pk.pack_ext_body("x", 1);
  pk.pack_ext(5, 7);
  pk.pack_ext_body("12345", 5);
  pk.pack_map(2);
  pk.pack("a");
  pk.pack_array(0);
  pk.pack("b");
  pk.pack_map(0);
  pk.pack_array(70000);
  for (int i = 0; i < 70000; ++i)
    pk.pack(i % 3);
  pk.pack_map(20);
  for (int i = 0; i < 20; ++i) {
    pk.pack(i);
    pk.pack_array(1);
    pk.pack_array(0);
  }
  pk.pack_ext(16, 2);
  pk.pack_ext_body("0123456789abcdef", 16);
  std::string bytes(buf.data(), buf.size());
  message_walker w(1 << 20, frame_decoder::unbounded, frame_decoder::max_elements, frame_decoder::max_depth);
  for (size_t n = 1; n < bytes.size(); ++n)
    REQUIRE(w.walk(bytes.data(), n) == message_walker::state::incomplete);
  std::string two = bytes + bytes;
  CHECK(w.walk(two.data(), two.size()) == message_walker::state::complete);
  CHECK(w.length() == bytes.size());
  w.reset();
  CHECK(w.walk(two.data(), two.size()) == message_walker::state::complete);
  CHECK(w.length() == bytes.size());
  CHECK(w.decode_bytes() > 70000 * sizeof(msgpack::object));
}

TEST_CASE("the walker refuses nesting past the depth limit and a byte that is never msgpack") {
  std::string deep(65, '\x91');
  deep += '\xc0';
  message_walker w(1 << 20, frame_decoder::unbounded, frame_decoder::max_elements, frame_decoder::max_depth);
  CHECK(w.walk(deep.data(), deep.size()) == message_walker::state::too_large);
  CHECK(w.failure().find("nested deeper") != std::string::npos);
  message_walker bad(1 << 20, frame_decoder::unbounded, frame_decoder::max_elements,
                     frame_decoder::max_depth);
  CHECK(bad.walk("\x92\x01\xc1", 3) == message_walker::state::malformed);
}
