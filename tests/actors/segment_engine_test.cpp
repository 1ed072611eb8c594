// Live segments through the engine: time moves quiet users between
// segments, and definitions and membership come back after a restart.
#include <catch2/catch.hpp>
#include <thread>

#include "actors/engine.hpp"
#include "segment_size.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("a quiet user becomes dormant and leaves a last-hour segment as event time passes") {
  engine eng(test_engine());
  REQUIRE(eng.ingest_sync({make_event("quiet", event_type::view, t0, "i1")}).ok());
  REQUIRE(eng.define_segment_sync("dormant", map_of({{"tag", value{"dormant"}}})).ok());
  REQUIRE(eng.define_segment_sync("viewed_last_hour", field_cond("windows.1h.view", ">=", value{int64_t{1}}))
              .ok());
  CHECK(segment_size(eng, "dormant") == 0);
  CHECK(segment_size(eng, "viewed_last_hour") == 1);
  // Other users' events carry event time on by 60 days on both shards.
  std::vector<event> later;
  for (int u = 0; u < 20; ++u)
    later.push_back(make_event("busy" + std::to_string(u), event_type::click, t0 + days(60), "i2"));
  REQUIRE(eng.ingest_sync(later).ok());
  int64_t dormant = 0, last_hour = 1;
  for (int i = 0; i < 300 && (dormant != 1 || last_hour != 0); ++i) {
    dormant = segment_size(eng, "dormant");
    last_hour = segment_size(eng, "viewed_last_hour");
    if (dormant != 1 || last_hour != 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(dormant == 1);
  CHECK(last_hour == 0);
  auto members = eng.segment_members_sync("dormant");
  REQUIRE(members.ok());
  REQUIRE(members->find("users")->as_array().size() == 1);
  CHECK(members->find("users")->as_array()[0].as_string() == "quiet");
}

TEST_CASE("segments and their membership come back after a restart, with or without a snapshot") {
  temp_directory dir;
  bool snapshot = GENERATE(false, true);
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    std::vector<event> events;
    for (int u = 0; u < 100; ++u)
      events.push_back(make_event("u" + std::to_string(u), u % 3 ? event_type::view : event_type::add_to_cart,
                                  t0 + u, "i1"));
    REQUIRE(eng.ingest_sync(events).ok());
    REQUIRE(
        eng.define_segment_sync("carted", field_cond("counts.add_to_cart", ">=", value{int64_t{1}})).ok());
    REQUIRE(eng.define_segment_sync("temp", field_cond("counts.view", ">=", value{int64_t{1}})).ok());
    if (snapshot)
      REQUIRE(eng.snapshot_sync().ok());
    REQUIRE(eng.drop_segment_sync("temp").ok());
    REQUIRE(eng.ingest_sync({make_event("late", event_type::add_to_cart, t0 + 500, "i1")}).ok());
    CHECK(segment_size(eng, "carted") == 35);
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(segment_size(again, "carted") == 35);
  CHECK(segment_size(again, "temp") == -1);
  auto q = again.query_sync(map_of({{"segment", value{"carted"}}}));
  REQUIRE(q.ok());
  CHECK(q->find("count")->as_int() == 35);
}
