// Bounds before and after authentication: failed hellos, the hello, read
// and idle timeouts, connections per address, writes waiting behind a
// write, and the decode budget's back-pressure, on an in-process node.
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <thread>

#include "net/ingest_decoder.hpp"
#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

const std::string writer_token = "writer-0123456789abcdef";

net::node_config with_token() {
  net::node_config cfg;
  REQUIRE(cfg.tokens.add("writer", writer_token, net::role_ingest).ok());
  return cfg;
}

uint64_t net_counter(const test_node& node, const std::string& name) {
  auto& counters = node.srv->counters();
  if (name == "closed_failed_hellos")
    return counters.closed_failed_hellos.load();
  if (name == "closed_hello_timeout")
    return counters.closed_hello_timeout.load();
  if (name == "closed_read_timeout")
    return counters.closed_read_timeout.load();
  if (name == "closed_idle")
    return counters.closed_idle.load();
  if (name == "connections_refused_per_ip")
    return counters.connections_refused_per_ip.load();
  FAIL("no counter " << name);
  return 0;
}

/// A raw connection from `source` (a loopback address other than 127.0.0.1).
struct raw_from {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket{io};
  raw_from(const std::string& source, uint16_t port) {
    socket.open(boost::asio::ip::tcp::v4());
    socket.bind({boost::asio::ip::make_address(source), 0});
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
};

}  // namespace

TEST_CASE("the sixth failed hello is answered and closes the connection") {
  test_node node(with_token());
  raw_connection raw(node.port());
  for (uint32_t i = 1; i <= 6; ++i) {
    raw.write(
        net::encode_request(i, "hello", args({map_of({{"token", value{"guess-" + std::to_string(i)}}})})));
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    CHECK(id == i);
    CHECK(code == "unauthenticated");
  }
  CHECK(raw.closed_by_node());
  CHECK(net_counter(node, "closed_failed_hellos") == 1);
  // A fresh connection may still authenticate.
  auto c = node.connect();
  CHECK(c->call_sync("hello", args({map_of({{"token", value{writer_token}}})})).ok());
}

TEST_CASE("five failed hellos leave the connection open for a right one") {
  test_node node(with_token());
  auto c = node.connect();
  for (int i = 0; i < 5; ++i)
    CHECK(code_of(c->call_sync("hello", args({map_of({{"token", value{"wrong-token-0123456789"}}})}))) ==
          "unauthenticated");
  CHECK(c->call_sync("hello", args({map_of({{"token", value{writer_token}}})})).ok());
}

TEST_CASE("on a node with tokens, a connection that does not authenticate in time is closed") {
  auto cfg = with_token();
  cfg.hello_timeout_s = 1;
  test_node node(cfg);
  raw_connection raw(node.port());
  CHECK(raw.closed_by_node());
  CHECK(net_counter(node, "closed_hello_timeout") == 1);
}

TEST_CASE("a message begun and not finished in time closes the connection") {
  net::node_config cfg;
  cfg.read_timeout_s = 1;
  test_node node(cfg);
  raw_connection raw(node.port());
  auto ping = net::encode_request(1, "ping", args({}));
  raw.write(ping.substr(0, ping.size() - 1));
  CHECK(raw.closed_by_node());
  CHECK(net_counter(node, "closed_read_timeout") == 1);
}

TEST_CASE("an idle connection is closed, a subscriber is not") {
  net::node_config cfg;
  cfg.idle_timeout_s = 1;
  test_node node(cfg);
  auto subscriber = node.connect();
  subscriber->on_notification([](const std::string&, value&) {});
  REQUIRE(subscriber
              ->call_sync("define_segment",
                          args({value{"carted"}, field_cond("counts.add_to_cart", ">=", value{int64_t{1}})}))
              .ok());
  REQUIRE(subscriber->call_sync("subscribe", args({value{value::array{value{"carted"}}}})).ok());
  raw_connection idle(node.port());
  CHECK(idle.closed_by_node());
  CHECK(net_counter(node, "closed_idle") >= 1);
  // The subscriber was as idle as the other, and is still served.
  CHECK(subscriber->call_sync("ping", args({})).ok());
}

TEST_CASE("connections beyond max_connections_per_ip from one address do not lock out another") {
  net::node_config cfg;
  cfg.max_connections_per_ip = 3;
  test_node node(cfg);
  std::vector<std::unique_ptr<raw_connection>> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(std::make_unique<raw_connection>(node.port()));
  raw_connection refused(node.port());
  CHECK(refused.closed_by_node());
  raw_from other("127.0.0.2", node.port());
  boost::asio::write(other.socket, boost::asio::buffer(net::encode_request(7, "ping", args({}))));
  net::frame_decoder decoder(1 << 20);
  msgpack::object_handle oh;
  while (decoder.next(oh) != net::frame_decoder::outcome::message) {
    char* buf = decoder.prepare(4096);
    decoder.commit(other.socket.read_some(boost::asio::buffer(buf, 4096)));
  }
  CHECK(oh.get().via.array.ptr[3].as<std::string>() == "pong");
  CHECK(net_counter(node, "connections_refused_per_ip") == 1);
  // A closed connection frees its place.
  held.pop_back();
  for (int i = 0; i < 100; ++i) {
    raw_connection again(node.port());
    again.write(net::encode_request(1, "ping", args({})));
    uint32_t id = 0;
    std::string code;
    value result;
    if (again.read_response(id, code, result)) {
      CHECK(code.empty());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the closed connection's place was not freed");
}

TEST_CASE("writes behind an unanswered write wait one at a time and are all answered") {
  test_node node;
  raw_connection raw(node.port());
  // A delete, then writes that must wait for its answer: one waits decoded,
  // the others as bytes, so a flood of them pins no memory.
  std::string burst = net::encode_request(0, "delete_profile", args({value{"nobody"}}));
  const uint32_t writes = 100;
  for (uint32_t i = 1; i <= writes; ++i)
    burst += net::encode_request(i, "set_attributes",
                                 args({value{"u" + std::to_string(i)}, map_of({{"tier", value{"gold"}}})}));
  raw.write(burst);
  std::set<uint32_t> answered;
  for (uint32_t i = 0; i <= writes; ++i) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    CHECK(code.empty());
    answered.insert(id);
  }
  CHECK(answered.size() == writes + 1);
  CHECK(node.srv->counters().held_behind_writes.load() >= 1);
}

TEST_CASE("ingest batches past the decode budget are all applied: reading pauses, nothing is lost") {
  net::node_config cfg;
  cfg.max_connection_decode_bytes = 64 * 1024;
  test_node node(cfg);
  raw_connection raw(node.port());
  // Each batch takes about 20 KiB decoded: three fit the budget at once.
  const uint32_t batches = 60;
  std::string burst;
  for (uint32_t b = 0; b < batches; ++b)
    burst += net::encode_request(b, "ingest", one_view_each("b" + std::to_string(b) + "-", 40, "i"));
  raw.write(burst);
  for (uint32_t b = 0; b < batches; ++b) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    CHECK(code.empty());
  }
  auto c = node.connect();
  auto p = c->call_sync("get_profile", args({value{"b59-39"}}));
  CHECK(p.ok());
}

TEST_CASE("an ingest batch over max_batch_events is refused before its events are decoded") {
  net::node_config cfg;
  cfg.max_batch_events = 3;
  test_node node(cfg);
  auto c = node.connect();
  auto r = c->call_sync("ingest", one_view_each("u", 4, "i"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("at most 3 events, got 4") != std::string::npos);
  CHECK(c->call_sync("ingest", one_view_each("u", 3, "i")).ok());
}

TEST_CASE("the ingest decoder's queue is bounded in bytes and calls back who waited for room") {
  net::ingest_decoder d(1000);
  CHECK(d.reserve(600, [] {}));
  std::atomic<int> woken{0};
  CHECK_FALSE(d.reserve(600, [&] { ++woken; }));
  CHECK(d.queued_bytes() == 600);
  std::promise<void> gate;
  auto opened = gate.get_future().share();
  d.start(std::chrono::microseconds(0));
  d.post([opened] { opened.wait(); }, 600);
  CHECK(woken == 0);
  gate.set_value();
  d.stop();  // runs what is queued, then ends
  CHECK(woken == 1);
  CHECK(d.queued_bytes() == 0);
  CHECK(d.reserve(5000, [] {}));  // a job always fits an empty queue
}

TEST_CASE("batches from several connections past the ingest queue's bound wait and are all applied") {
  net::node_config cfg;
  cfg.max_ingest_queue_bytes = 64 * 1024;
  test_node node(cfg);
  const uint32_t batches = 40;
  std::vector<std::unique_ptr<raw_connection>> feeds;
  for (int f = 0; f < 3; ++f) {
    feeds.push_back(std::make_unique<raw_connection>(node.port()));
    std::string burst;
    for (uint32_t b = 0; b < batches; ++b)
      burst += net::encode_request(
          b, "ingest", one_view_each("f" + std::to_string(f) + "b" + std::to_string(b) + "-", 40, "i"));
    feeds.back()->write(burst);
  }
  for (auto& feed : feeds)
    for (uint32_t b = 0; b < batches; ++b) {
      uint32_t id = 0;
      std::string code;
      value result;
      REQUIRE(feed->read_response(id, code, result));
      CHECK(code.empty());
    }
  auto c = node.connect();
  for (int f = 0; f < 3; ++f)
    CHECK(c->call_sync("get_profile", args({value{"f" + std::to_string(f) + "b39-39"}})).ok());
}
