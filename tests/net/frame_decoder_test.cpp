#include <catch2/catch.hpp>

#include "net/frame_decoder.hpp"
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
  // A huge declared string waits for its bytes, but never past the limit:
  // the buffer holds at most max_message_bytes before too_large.
  frame_decoder s(1024);
  const char huge_str[] =
      "\x94\x00\xcd\x01\x00\xa4"
      "ping"
      "\xdb\xff\xff\xff\xf0";
  std::string str(huge_str, sizeof huge_str - 1);
  s.feed(str.data(), str.size());
  CHECK(s.next(oh) == frame_decoder::outcome::need_more);
  std::string body(2000, 'x');
  s.feed(body.data(), body.size());
  CHECK(s.next(oh) == frame_decoder::outcome::too_large);
  REQUIRE(s.failed_msgid());
  CHECK(*s.failed_msgid() == 256);
}

TEST_CASE("the msgid is read from every request header form") {
  CHECK(*peek_request_msgid("\x94\x00\x05", 3) == 5);
  CHECK(*peek_request_msgid("\x94\x00\xcc\xfa", 4) == 250);
  CHECK(*peek_request_msgid("\x94\x00\xce\x00\x01\x00\x00", 7) == 65536);
  CHECK(*peek_request_msgid("\xdc\x00\x04\x00\x07", 5) == 7);
  CHECK_FALSE(peek_request_msgid("\x93\x02\x05", 3));  // a notification has no msgid
  CHECK_FALSE(peek_request_msgid("\x94\x00", 2));      // truncated
}
