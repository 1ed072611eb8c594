// Every method over TCP: its answers, its errors, and a node that cannot serve.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("every method answers over TCP as the protocol says") {
  test_node node;
  auto c = node.connect();
  auto hello = c->call_sync("hello", args({map_of({{"client", value{"test"}}})}));
  REQUIRE(hello.ok());
  CHECK(hello->find("server")->as_string() == "persona");
  CHECK(hello->find("protocol")->as_int() == 1);
  CHECK(hello->find("shards")->as_int() == 2);
  CHECK(c->call_sync("ping", args({}))->as_string() == "pong");

  auto up = c->call_sync(
      "upsert_items", args({value{value::array{map_of(
                          {{"item", value{"i1"}}, {"category", value{"shoes"}}, {"price", value{50}}})}}}));
  REQUIRE(up.ok());
  CHECK(up->find("upserted")->as_int() == 1);

  auto ing = c->call_sync("ingest", events_of({view("u1", "i1", t0), view("u2", "i1", t0 + 1),
                                               map_of({{"user", value{"u3"}}, {"type", value{"fly"}}})}));
  REQUIRE(ing.ok());
  CHECK(ing->find("accepted")->as_int() == 2);
  CHECK(ing->find("rejected")->as_array()[0].find("code")->as_string() == "bad_type");

  auto attrs = c->call_sync("set_attributes", args({value{"u1"}, map_of({{"age", value{30}}})}));
  REQUIRE(attrs.ok());
  CHECK(attrs->find("user")->as_string() == "u1");

  auto p =
      c->call_sync("get_profile",
                   args({value{"u1"}, map_of({{"fields", args({value{"attributes"}, value{"affinity"}})}})}));
  REQUIRE(p.ok());
  CHECK(p->find("attributes")->find("age")->as_int() == 30);
  CHECK(p->find("affinity")->find("category")->find("shoes")->as_double() == 1.0);

  auto q = c->call_sync(
      "query",
      args({field_cond("counts.view", ">=", value{1}),
            map_of({{"aggregate",
                     args({map_of({{"field", value{"price.avg_viewed"}}, {"fn", value{"avg"}}})})}})}));
  REQUIRE(q.ok());
  CHECK(q->find("count")->as_int() == 2);
  CHECK(q->find("aggregates")->as_array()[0].find("value")->as_double() == 50.0);

  auto merged = c->call_sync("merge_profiles", args({value{"u2"}, value{"u1"}}));
  REQUIRE(merged.ok());
  CHECK(merged->find("counts")->find("view")->as_int() == 2);
  auto del = c->call_sync("delete_profile", args({value{"u1"}}));
  REQUIRE(del.ok());
  CHECK(del->find("deleted")->as_bool());

  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  for (auto key : {"users", "events_accepted", "events_rejected", "uptime_s", "shards"})
    CHECK(stats->find(key) != nullptr);
  CHECK(stats->find("shards")->as_array()[0].find("mailbox") != nullptr);

  auto snap = c->call_sync("snapshot", args({}));
  REQUIRE(snap.ok());
  CHECK(snap->find("shards")->as_int() == 2);
  CHECK(snap->find("bytes")->as_int() > 0);
  CHECK(snap->find("duration_ms")->as_double() > 0);
  CHECK(code_of(c->call_sync("snapshot", args({value{1}}))) == "bad_request");
}

TEST_CASE("a node that cannot use its data directory answers every method, ping too, unavailable with why") {
  test_node owner;  // holds the data directory's lock
  engine_options eo;
  eo.shards = 2;
  eo.worker_threads = 1;
  eo.data_dir = owner.data.path();
  engine blocked(eo);
  REQUIRE_FALSE(blocked.wait_ready().ok());
  net::node_config cfg;
  cfg.port = 0;
  cfg.data_dir = eo.data_dir;
  net::server srv(blocked, cfg);
  srv.handle_signals(false);
  REQUIRE(srv.start().ok());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", srv.port()).ok());
  for (auto method : {"ping", "stats", "snapshot"}) {
    auto r = c.call_sync(method, args({}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::unavailable);
    CHECK_THAT(r.error().message(), Catch::Contains("could not recover") && Catch::Contains("in use"));
  }
  c.close();
  srv.stop();
}

TEST_CASE("error codes that can occur on one node") {
  test_node node;
  auto c = node.connect();
  CHECK(code_of(c->call_sync("fly", args({}))) == "unknown_method");
  CHECK(code_of(c->call_sync("get_profile", args({value{1.5}}))) == "bad_request");
  CHECK(code_of(c->call_sync("get_profile", args({}))) == "bad_request");
  CHECK(code_of(c->call_sync("ingest", args({value{"not events"}}))) == "bad_request");
  CHECK(code_of(c->call_sync("query", args({map_of({{"field", value{"nope"}}})}))) == "bad_request");
  CHECK(code_of(c->call_sync("get_profile", args({value{"ghost"}}))) == "not_found");
  auto r = c->call_sync("set_attributes", args({value{"u"}, value{"x"}}));
  CHECK(code_of(r) == "bad_request");
  CHECK(r.error().message().find("attributes") != std::string::npos);
}

TEST_CASE("recommend, similar_items, similar_users and predict over TCP, with their params checked") {
  test_node node;
  auto c = node.connect();
  std::vector<value> events;
  for (int u = 0; u < 5; ++u) {
    auto user = "r" + std::to_string(u);
    events.push_back(view(user, "a", t0 + u * 10));
    events.push_back(view(user, "b", t0 + u * 10 + 1));
  }
  REQUIRE(c->call_sync("ingest", events_of(events)).ok());
  // Global signals are published within the publish interval (200 ms).
  result<value> similar = status{error_code::not_found, ""};
  for (int i = 0; i < 50 && !similar.ok(); ++i) {
    similar = c->call_sync("similar_items", args({value{"a"}, value{5}}));
    if (!similar.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(similar.ok());
  CHECK(similar->find("items")->as_array()[0].find("item")->as_string() == "b");

  REQUIRE(c->call_sync("ingest", events_of({view("new", "a", t0 + 100)})).ok());
  auto rec =
      c->call_sync("recommend", args({value{"new"}, value{3}, map_of({{"strategy", value{"item_cf"}}})}));
  REQUIRE(rec.ok());
  CHECK(rec->find("strategy")->as_string() == "item_cf");
  auto& first = rec->find("items")->as_array().at(0);
  CHECK(first.find("item")->as_string() == "b");
  CHECK(first.find("reason")->as_string() == "often chosen with a");
  // k may be left out (10); an unknown user gets a cold start.
  auto cold = c->call_sync("recommend", args({value{"stranger"}}));
  REQUIRE(cold.ok());
  CHECK(cold->find("strategy")->as_string() == "popular");

  auto users = c->call_sync("similar_users", args({value{"r0"}, value{3}}));
  REQUIRE(users.ok());
  REQUIRE(users->find("users")->as_array().size() == 3);
  CHECK(users->find("users")->as_array()[0].find("score")->as_double() == Approx(1.0));

  auto p = c->call_sync("predict", args({value{"r0"}}));
  REQUIRE(p.ok());
  for (auto key : {"purchase_propensity", "churn_risk", "next_purchase_days"})
    CHECK(p->find(key) != nullptr);
  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  CHECK(stats->find("item_model")->find("signals")->as_int() >= 10);

  CHECK(code_of(c->call_sync("recommend", args({}))) == "bad_request");
  CHECK(code_of(c->call_sync("recommend", args({value{"r0"}, value{"ten"}}))) == "bad_request");
  CHECK(code_of(c->call_sync("recommend", args({value{"r0"}, value{5}, value{1}}))) == "bad_request");
  CHECK(code_of(c->call_sync("similar_items", args({value{"zzz"}, value{5}}))) == "not_found");
  CHECK(code_of(c->call_sync("similar_users", args({value{"r0"}, value{0}}))) == "bad_request");
  CHECK(code_of(c->call_sync("predict", args({value{"nobody"}}))) == "not_found");
  CHECK(code_of(c->call_sync("predict", args({value{"r0"}, value{1}, value{2}}))) == "bad_request");
}

TEST_CASE("over TCP, a purchase without a price or with an absurd amount is rejected and changes nothing") {
  test_node node;
  auto c = node.connect();
  auto buy = [](const std::string& user, int64_t ts, std::vector<std::pair<std::string, value>> extra) {
    std::vector<std::pair<std::string, value>> members = {
        {"user", value{user}}, {"type", value{"purchase"}}, {"item", value{"sku-1"}}, {"ts", value{ts}}};
    for (auto& m : extra)
      members.push_back(m);
    return map_of(members);
  };
  auto ing = c->call_sync(
      "ingest", events_of({buy("ana", t0, {{"price", value{20.0}}}), buy("ana", t0 + 1, {}),
                           buy("ana", t0 + 2, {{"price", value{5e9}}}),
                           buy("ana", t0 + 3, {{"price", value{20.0}}, {"quantity", value{-2}}}),
                           buy("ana", t0 + 4, {{"price", value{20.0}}, {"quantity", value{2000000}}}),
                           buy("bob", t0 + 5, {})}));
  REQUIRE(ing.ok());
  CHECK(ing->find("accepted")->as_int() == 1);
  auto& rejected = ing->find("rejected")->as_array();
  REQUIRE(rejected.size() == 5);
  std::vector<std::string> codes;
  for (auto& r : rejected)
    codes.push_back(std::to_string(r.find("index")->as_int()) + ":" + r.find("code")->as_string());
  CHECK(codes == std::vector<std::string>{"1:bad_price", "2:bad_price", "3:bad_quantity", "4:bad_quantity",
                                          "5:bad_price"});
  CHECK(rejected[1].find("message")->as_string() ==
        "price 5000000000 is over the node's limit of 1000000000 (--max-price); the event changed nothing");
  auto p = c->call_sync("get_profile",
                        args({value{"ana"}, map_of({{"fields", args({value{"counts"}, value{"rfm"}})}})}));
  REQUIRE(p.ok());
  CHECK(p->find("counts")->find("purchase")->as_int() == 1);
  CHECK(p->find("rfm")->find("monetary")->as_double() == 20.0);
  CHECK(code_of(c->call_sync("get_profile", args({value{"bob"}}))) == "not_found");
}
