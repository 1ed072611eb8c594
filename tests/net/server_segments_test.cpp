// Segments over TCP: definitions, members, and the notifications of subscribers.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("segments over TCP: define, list, members with cursor paging, profiles list them, drop") {
  test_node node;
  auto c = node.connect();
  REQUIRE(c->call_sync("ingest", one_view_each("u", 250, "i1")).ok());
  auto where = field_cond("counts.view", ">=", value{int64_t{1}});
  auto def = c->call_sync("define_segment", args({value{"viewers"}, where}));
  REQUIRE(def.ok());
  CHECK(def->find("name")->as_string() == "viewers");
  CHECK(def->find("size")->as_int() == 250);
  auto list = c->call_sync("list_segments", args({}));
  REQUIRE(list.ok());
  REQUIRE(list->as_array().size() == 1);
  CHECK(list->as_array()[0].find("size")->as_int() == 250);
  CHECK(list->as_array()[0].find("where")->find("field")->as_string() == "counts.view");
  // Pages of 60 cover every member exactly once.
  std::set<std::string> seen;
  value cursor;
  int pages = 0;
  do {
    auto opts = map_of({{"limit", value{int64_t{60}}}});
    if (!cursor.is_nil())
      opts.set("cursor", cursor);
    auto page = c->call_sync("segment_members", args({value{"viewers"}, opts}));
    REQUIRE(page.ok());
    CHECK(page->find("users")->as_array().size() <= 60);
    for (auto& u : page->find("users")->as_array())
      CHECK(seen.insert(u.as_string()).second);
    cursor = *page->find("cursor");
    ++pages;
  } while (!cursor.is_nil() && pages < 20);
  CHECK(seen.size() == 250);
  auto profile = c->call_sync("get_profile", args({value{"u7"}}));
  REQUIRE(profile.ok());
  REQUIRE(profile->find("segments")->as_array().size() == 1);
  CHECK(profile->find("segments")->as_array()[0].as_string() == "viewers");
  auto q = c->call_sync("query", args({map_of({{"segment", value{"viewers"}}})}));
  REQUIRE(q.ok());
  CHECK(q->find("count")->as_int() == 250);
  CHECK(code_of(c->call_sync("segment_members", args({value{"nope"}}))) == "not_found");
  CHECK(code_of(c->call_sync("segment_members",
                             args({value{"viewers"}, map_of({{"cursor", value{"x"}}})}))) == "bad_request");
  CHECK(code_of(c->call_sync("define_segment", args({value{"bad"}, map_of({{"field", value{"nope"}}})}))) ==
        "bad_request");
  auto drop = c->call_sync("drop_segment", args({value{"viewers"}}));
  REQUIRE(drop.ok());
  CHECK(drop->find("dropped")->as_bool());
  CHECK(c->call_sync("get_profile", args({value{"u7"}}))->find("segments")->as_array().empty());
  CHECK(code_of(c->call_sync("query", args({map_of({{"segment", value{"viewers"}}})}))) == "bad_request");
}

TEST_CASE("subscribe: segment_event notifications on enter and exit, in order per user") {
  test_node node;
  auto c = node.connect();
  std::mutex m;
  std::vector<value> received;
  c->on_notification([&](const std::string& method, value& params) {
    if (method != "segment_event")
      return;
    std::lock_guard<std::mutex> lock(m);
    for (auto& e : params.as_array()[0].as_array())
      received.push_back(e);
  });
  REQUIRE(c->call_sync("define_segment",
                       args({value{"carted"}, field_cond("counts.add_to_cart", ">=", value{int64_t{1}})}))
              .ok());
  CHECK(code_of(c->call_sync("subscribe", args({value{value::array{value{"nope"}}}}))) == "not_found");
  auto sub = c->call_sync("subscribe", args({value{value::array{value{"carted"}}}}));
  REQUIRE(sub.ok());
  CHECK(sub->find("subscribed")->as_array()[0].as_string() == "carted");
  auto cart = map_of(
      {{"user", value{"ann"}}, {"type", value{"add_to_cart"}}, {"item", value{"i1"}}, {"ts", value{t0}}});
  REQUIRE(c->call_sync("ingest", events_of({cart})).ok());
  REQUIRE(c->call_sync("delete_profile", args({value{"ann"}})).ok());
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(m);
      if (received.size() >= 2)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(m);
  REQUIRE(received.size() == 2);
  CHECK(received[0].find("segment")->as_string() == "carted");
  CHECK(received[0].find("user")->as_string() == "ann");
  CHECK(received[0].find("entered")->as_bool());
  CHECK(received[0].find("ts")->as_int() == t0);
  CHECK_FALSE(received[1].find("entered")->as_bool());
}

TEST_CASE(
    "a subscriber that does not read loses segment events, counted and announced, never unbounded memory") {
  net::node_config cfg;
  cfg.max_subscriber_queue_bytes = 64 * 1024;
  test_node node(cfg);
  auto admin = node.connect();
  REQUIRE(admin
              ->call_sync("define_segment",
                          args({value{"viewers"}, field_cond("counts.view", ">=", value{int64_t{1}})}))
              .ok());
  auto slow = node.connect();
  std::atomic<bool> release{false};
  std::atomic<uint64_t> delivered{0}, announced{0};
  slow->on_notification([&](const std::string& method, value& params) {
    while (!release.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // stops the client reading
    if (method == "segment_event")
      delivered += params.as_array()[0].as_array().size();
    if (method == "segment_events_dropped")
      announced += static_cast<uint64_t>(params.as_array()[0].find("dropped")->as_int());
  });
  REQUIRE(slow->call_sync("subscribe", args({value{value::array{value{"viewers"}}}})).ok());
  const int users = 100000;
  for (int first = 0; first < users; first += 5000) {
    std::vector<value> events;
    for (int u = first; u < first + 5000; ++u)
      events.push_back(view("v" + std::to_string(u), "i1", t0 + u));
    REQUIRE(admin->call_sync("ingest", events_of(events)).ok());
  }
  // Every event is either sent or dropped and counted.
  uint64_t sent = 0, dropped = 0;
  for (int i = 0; i < 500 && sent + dropped < users; ++i) {
    auto stats = admin->call_sync("stats", args({}));
    REQUIRE(stats.ok());
    sent = stats->find("net")->find("segment_events_sent")->as_int();
    dropped = stats->find("net")->find("segment_events_dropped")->as_int();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(sent + dropped == users);
  CHECK(dropped > 0);
  release = true;
  for (int i = 0; i < 500 && delivered + announced < users; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(delivered == sent);
  CHECK(announced == dropped);
}
