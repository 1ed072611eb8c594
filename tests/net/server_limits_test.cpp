// Bounds and bad input: a connection that breaks them is answered or closed, the others keep working.
#include <catch2/catch.hpp>
#include <map>

#include "net/msgpack_value.hpp"
#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// The next reply answers `msgid` with error `code`, then the node closes.
void expect_error_then_close(raw_connection& raw, uint32_t msgid, const std::string& code) {
  uint32_t id = 0;
  std::string got;
  value result;
  REQUIRE(raw.read_response(id, got, result));
  CHECK(id == msgid);
  CHECK(got == code);
  CHECK(raw.closed_by_node());
}

}  // namespace

TEST_CASE("too many requests in flight on a connection are answered overloaded") {
  net::node_config cfg;
  cfg.max_in_flight_per_connection = 1;
  test_node node(cfg);
  raw_connection raw(node.port());
  // Two requests in one write: the second arrives while the first is in flight.
  raw.write(net::encode_request(1, "stats", args({})) + net::encode_request(2, "stats", args({})));
  std::map<uint32_t, std::string> codes;
  for (int i = 0; i < 2; ++i) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    codes[id] = code;
  }
  CHECK(codes[1] == "");
  CHECK(codes[2] == "overloaded");
}

TEST_CASE("bad input closes only the offending connection") {
  net::node_config cfg;
  cfg.max_message_bytes = 4096;
  test_node node(cfg);
  auto bystander = node.connect();

  SECTION("garbage bytes") {
    raw_connection raw(node.port());
    raw.write(std::string("\xc1\xc1\xc1\xc1 this is not msgpack"));
    CHECK(raw.closed_by_node());
  }
  SECTION("a message that is not an array") {
    raw_connection raw(node.port());
    raw.write(net::encode_notification("x", args({})).substr(1) /* drop the array header */);
    CHECK(raw.closed_by_node());
  }
  SECTION("a wrong shape with a readable msgid gets an error, then the close") {
    raw_connection raw(node.port());
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    net::pack_value(pk, buf, args({value{0}, value{5}, value{42}, args({})}));
    raw.write(std::string(buf.data(), buf.size()));
    expect_error_then_close(raw, 5, "bad_request");
  }
  SECTION("a message over max_message_bytes gets too_large, then the close") {
    raw_connection raw(node.port());
    raw.write(net::encode_request(8, "ingest", events_of({view(std::string(6000, 'u'), "i", t0)})));
    expect_error_then_close(raw, 8, "too_large");
  }
  SECTION("a forged huge length") {
    raw_connection raw(node.port());
    const char forged[] =
        "\x94\x00\x03\xa6"
        "ingest"
        "\xdd\xff\xff\xff\xff";
    raw.write(std::string(forged, sizeof forged - 1));
    expect_error_then_close(raw, 3, "too_large");
  }
  SECTION("a truncated message and a hang-up") {
    {
      raw_connection raw(node.port());
      auto msg = net::encode_request(1, "ping", args({}));
      raw.write(msg.substr(0, msg.size() - 1));
    }
  }
  still_serves(node);
  REQUIRE(bystander->call_sync("ping", args({})).ok());
}

TEST_CASE("a client that stops reading is disconnected, not buffered without end") {
  net::node_config cfg;
  cfg.max_write_queue_bytes = 64 * 1024;
  test_node node(cfg);
  {
    auto c = node.connect();
    std::vector<value> events;
    for (int i = 0; i < 50; ++i)
      events.push_back(view("heavy", "item" + std::to_string(i), t0 + i));
    REQUIRE(c->call_sync("ingest", events_of(events)).ok());
  }
  raw_connection raw(node.port());
  // Ask for thousands of full profiles and never read a reply.
  std::string burst;
  for (uint32_t i = 0; i < 1000; ++i)
    burst += net::encode_request(i, "get_profile", args({value{"heavy"}}));
  boost::system::error_code ec;
  for (int round = 0; round < 20 && !ec; ++round)
    boost::asio::write(raw.socket, boost::asio::buffer(burst), ec);
  // The node closes the connection: reading finds its end after the replies
  // the kernel had already taken.
  CHECK(raw.closed_by_node());
  still_serves(node);
}

TEST_CASE("connections beyond max_connections are closed at once, the others keep working") {
  net::node_config cfg;
  cfg.max_connections = 1;
  test_node node(cfg);
  auto first = node.connect();
  REQUIRE(first->call_sync("ping", args({})).ok());
  raw_connection second(node.port());
  CHECK(second.closed_by_node());
  REQUIRE(first->call_sync("ping", args({})).ok());
  auto stats = first->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  CHECK(stats->find("net")->find("connections_refused")->as_int() == 1);
}
