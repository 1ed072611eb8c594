// A connection's writes apply in the order sent, pipelined or not, notifications too.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("a write sent after an ingest batch on the same connection applies after it") {
  test_node node;
  raw_connection raw(node.port());
  // Pipelined without waiting. The batches are decoded off the I/O thread;
  // the writes behind them wait until they are routed.
  auto many = [](const std::string& user) {
    std::vector<value> events;
    for (int i = 0; i < 2000; ++i)
      events.push_back(view(user, "item" + std::to_string(i % 50), t0 + i));
    return events_of(events);
  };
  std::string burst = net::encode_request(1, "ingest", many("deleted"));
  burst += net::encode_request(2, "delete_profile", args({value{"deleted"}}));
  burst += net::encode_request(3, "ingest", many("tagged"));
  burst +=
      net::encode_request(4, "set_attributes", args({value{"tagged"}, map_of({{"tier", value{"gold"}}})}));
  raw.write(burst);
  std::map<uint32_t, value> answers;
  for (int n = 0; n < 4; ++n) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    CHECK(code == "");
    answers[id] = result;
  }
  REQUIRE(answers.size() == 4);
  CHECK(answers[2].find("deleted")->as_bool());
  auto c = node.connect();
  CHECK(code_of(c->call_sync("get_profile", args({value{"deleted"}}))) == "not_found");
  auto p = c->call_sync("get_profile", args({value{"tagged"}}));
  REQUIRE(p.ok());
  CHECK(p->find("counts")->find("view")->as_int() == 2000);
  CHECK(p->find("attributes")->find("tier")->as_string() == "gold");
}

TEST_CASE("writes sent after a delete, a merge or set_attributes on the same connection apply after it") {
  test_node node;
  raw_connection raw(node.port());
  // For each of 100 users, pipelined without waiting: an event, a delete,
  // another event. Only the event after the delete may stay. Then a merge
  // with an event for its source right behind it: the event makes a new
  // source profile, since the merge took the old one away.
  const int users = 100;
  std::string burst;
  uint32_t id = 0;
  for (int u = 0; u < users; ++u) {
    std::string user = "d" + std::to_string(u);
    burst += net::encode_request(++id, "ingest", events_of({view(user, "before", t0)}));
    burst += net::encode_request(++id, "delete_profile", args({value{user}}));
    burst += net::encode_request(++id, "ingest", events_of({view(user, "after", t0 + 1)}));
  }
  burst +=
      net::encode_request(++id, "ingest", events_of({view("source", "i1", t0), view("target", "i2", t0)}));
  burst += net::encode_request(++id, "merge_profiles", args({value{"source"}, value{"target"}}));
  burst += net::encode_notification("ingest", events_of({view("source", "i3", t0 + 5)}));
  burst +=
      net::encode_request(++id, "set_attributes", args({value{"late"}, map_of({{"tier", value{"gold"}}})}));
  burst += net::encode_request(++id, "ingest", events_of({view("late", "i4", t0 + 6)}));
  raw.write(burst);
  for (uint32_t n = 0; n < id; ++n) {
    uint32_t got = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(got, code, result));
    CHECK(code == "");
  }
  auto c = node.connect();
  for (int u = 0; u < users; ++u) {
    auto p = c->call_sync("get_profile", args({value{"d" + std::to_string(u)}}));
    REQUIRE(p.ok());
    CHECK(p->find("counts")->find("view")->as_int() == 1);
    CHECK(p->find("recent_items")->as_array().size() == 1);
  }
  auto target = c->call_sync("get_profile", args({value{"target"}}));
  REQUIRE(target.ok());
  CHECK(target->find("counts")->find("view")->as_int() == 2);
  result<value> source = status{error_code::not_found, ""};
  for (int i = 0; i < 200 && !source.ok(); ++i) {  // the notification is not answered
    source = c->call_sync("get_profile", args({value{"source"}}));
    if (!source.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(source.ok());
  CHECK(source->find("counts")->find("view")->as_int() == 1);
  auto late = c->call_sync("get_profile", args({value{"late"}}));
  REQUIRE(late.ok());
  CHECK(late->find("attributes")->find("tier")->as_string() == "gold");
  CHECK(late->find("counts")->find("view")->as_int() == 1);
  auto stats = c->call_sync("stats", args({}));
  CHECK(stats->find("net")->find("held_behind_writes")->as_int() >= users);
}

TEST_CASE("ingest as a notification applies events and answers nothing") {
  test_node node;
  auto c = node.connect();
  c->notify("ingest", events_of({view("n1", "i1", t0), map_of({{"type", value{"view"}}})}));
  c->notify("client_hello", args({}));  // unknown notifications are ignored
  result<value> p = status{error_code::not_found, ""};
  for (int i = 0; i < 200 && !p.ok(); ++i) {
    p = c->call_sync("get_profile", args({value{"n1"}}));
    if (!p.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(p.ok());
  auto stats = c->call_sync("stats", args({}));
  CHECK(stats->find("events_rejected")->as_int() == 1);
  CHECK(stats->find("net")->find("unknown_notifications")->as_int() == 1);
}
