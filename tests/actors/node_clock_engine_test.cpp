// The node's one clock through the engine: an event on one shard moves
// every shard's "now", timed sweeps push exits without further traffic,
// events dated too far ahead are rejected and change nothing, and
// clock=live follows the wall clock while the feed is quiet.
#include <catch2/catch.hpp>

#include "actors/engine.hpp"
#include "core/util/user_router.hpp"
#include "segment_size.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A user id that `shard_of` puts on `shard` of `shards`, the n-th such.
std::string user_on(size_t shard, size_t shards, int n) {
  for (int i = 0;; ++i) {
    auto user = "s" + std::to_string(shard) + "u" + std::to_string(i);
    if (shard_of(user, shards) == shard && n-- == 0)
      return user;
  }
}

bool has_tag(const value& profile, const std::string& tag) {
  for (auto& t : profile.find("tags")->as_array())
    if (t.as_string() == tag)
      return true;
  return false;
}

uint64_t total_wal_seq(const value& stats) {
  uint64_t total = 0;
  for (auto& s : stats.find("shards")->as_array())
    total += s.find("wal_seq")->as_int();
  return total;
}

}  // namespace

TEST_CASE("one event on one shard moves every shard's members out of a window, with no more traffic") {
  // Defined first, the segment's last sweep is at the wall clock (no event
  // yet), later than the replayed history that follows.
  bool define_first = GENERATE(false, true);
  INFO("segment defined before any event: " << define_first);
  const size_t shards = 4;
  manual_wall_clock wall(t0 + days(10));
  auto opts = test_engine(shards);
  opts.wall_clock = wall.source();
  engine eng(opts);
  auto define = [&] {
    REQUIRE(eng.define_segment_sync("bought_24h", field_cond("windows.24h.purchase", ">=", value{int64_t{1}}))
                .ok());
  };
  if (define_first)
    define();
  // Buyers on shards 1 to 3; the late event goes to shard 0 alone.
  std::vector<event> buys;
  for (size_t s = 1; s < shards; ++s)
    for (int n = 0; n < 3; ++n)
      buys.push_back(with_price(make_event(user_on(s, shards, n), event_type::purchase, t0, "i1"), 10));
  REQUIRE(eng.ingest_sync(buys).ok());
  if (!define_first)
    define();
  CHECK(segment_size(eng, "bought_24h") == 9);
  REQUIRE(eng.ingest_sync({make_event(user_on(0, shards, 0), event_type::view, t0 + days(2), "i2")}).ok());
  CHECK(eng.now_ms() == t0 + days(2));
  // Shards 1 to 3 get no message: their sweep timers alone find the node's
  // clock moved on.
  CHECK(wait_for_segment_size(eng, "bought_24h", 0) == 0);
  auto p = eng.get_profile_sync(user_on(1, shards, 0));
  REQUIRE(p.ok());
  CHECK(p->find("windows")->find("24h")->find("purchase")->as_int() == 0);
}

TEST_CASE("an event dated a day past the wall clock is rejected with bad_timestamp and changes nothing") {
  temp_directory dir;
  manual_wall_clock wall(t0 + days(10));
  auto opts = test_engine(2, dir.path());
  opts.wall_clock = wall.source();
  engine eng(opts);
  REQUIRE(eng.wait_ready().ok());
  REQUIRE(eng.ingest_sync({make_event("u1", event_type::view, t0, "i1")}).ok());
  auto before = eng.stats_sync();
  REQUIRE(before.ok());
  auto profile_before = eng.get_profile_sync("u1");
  REQUIRE(profile_before.ok());

  auto r = eng.ingest_sync({make_event("u1", event_type::purchase, wall.ms() + days(1), "i1"),
                            make_event("u2", event_type::view, wall.ms() + days(1), "i1")});
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 0);
  auto& rejected = r->find("rejected")->as_array();
  REQUIRE(rejected.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(rejected[i].find("index")->as_int() == static_cast<int64_t>(i));
    CHECK(rejected[i].find("code")->as_string() == "bad_timestamp");
    CHECK(rejected[i].find("message")->as_string().find("--max-future-ms=300000") != std::string::npos);
  }
  auto after = eng.stats_sync();
  REQUIRE(after.ok());
  CHECK(after->find("events_accepted")->as_int() == before->find("events_accepted")->as_int());
  CHECK(after->find("users")->as_int() == 1);
  CHECK(after->find("now")->as_int() == t0);
  CHECK(total_wal_seq(*after) == total_wal_seq(*before));
  CHECK(eng.now_ms() == t0);
  CHECK(eng.get_profile_sync("u2").error().code() == error_code::not_found);
  auto profile_after = eng.get_profile_sync("u1");
  REQUIRE(profile_after.ok());
  CHECK(*profile_after == *profile_before);

  SECTION("within the limit, and far in the past, events are accepted") {
    auto ok = eng.ingest_sync({make_event("u1", event_type::view, wall.ms() + minutes(4), "i1"),
                               make_event("u3", event_type::view, t0 - days(3000), "i1")});
    REQUIRE(ok.ok());
    CHECK(ok->find("accepted")->as_int() == 2);
    CHECK(eng.now_ms() == wall.ms() + minutes(4));
  }
  SECTION("the limit is the engine's option") {
    engine strict([&] {
      auto o = test_engine(2);
      o.wall_clock = wall.source();
      o.max_future = std::chrono::milliseconds(0);
      return o;
    }());
    auto one = strict.ingest_sync({make_event("u1", event_type::view, wall.ms() + 1, "i1")});
    REQUIRE(one.ok());
    CHECK(one->find("rejected")->as_array().size() == 1);
  }
}

TEST_CASE("the node's now survives a restart as the newest recovered event time") {
  temp_directory dir;
  manual_wall_clock wall(t0 + days(100));
  auto opts = test_engine(3, dir.path());
  opts.wall_clock = wall.source();
  {
    engine eng(opts);
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync({make_event("a", event_type::view, t0 + hours(1), "i1"),
                             make_event("b", event_type::view, t0 + hours(5), "i1")})
                .ok());
  }
  engine again(opts);
  REQUIRE(again.wait_ready().ok());
  CHECK(again.now_ms() == t0 + hours(5));
}

TEST_CASE("under clock=live tags and window segments move with the wall clock while the feed is quiet") {
  manual_wall_clock wall(t0);
  auto opts = test_engine(2);
  opts.wall_clock = wall.source();
  opts.clock = clock_mode::live;
  engine eng(opts);
  REQUIRE(eng.ingest_sync({make_event("quiet", event_type::view, t0 - minutes(5), "i1")}).ok());
  REQUIRE(eng.define_segment_sync("dormant", map_of({{"tag", value{"dormant"}}})).ok());
  REQUIRE(eng.define_segment_sync("viewed_last_hour", field_cond("windows.1h.view", ">=", value{int64_t{1}}))
              .ok());
  CHECK(eng.now_ms() == t0);
  CHECK(segment_size(eng, "viewed_last_hour") == 1);
  CHECK(segment_size(eng, "dormant") == 0);

  wall.advance(days(31));
  CHECK(eng.now_ms() == t0 + days(31));
  auto p = eng.get_profile_sync("quiet");
  REQUIRE(p.ok());
  CHECK(has_tag(*p, "dormant"));
  CHECK(p->find("windows")->find("1h")->find("view")->as_int() == 0);
  CHECK(wait_for_segment_size(eng, "dormant", 1) == 1);
  CHECK(wait_for_segment_size(eng, "viewed_last_hour", 0) == 0);
  auto s = eng.stats_sync();
  REQUIRE(s.ok());
  CHECK(s->find("now")->as_int() == t0 + days(31));
}

TEST_CASE("under clock=events a quiet feed keeps now at the newest event, whatever the wall clock does") {
  manual_wall_clock wall(t0 + minutes(5));
  auto opts = test_engine(2);
  opts.wall_clock = wall.source();
  engine eng(opts);
  CHECK(eng.now_ms() == t0 + minutes(5));  // the wall clock before any event
  REQUIRE(eng.ingest_sync({make_event("quiet", event_type::view, t0, "i1")}).ok());
  CHECK(eng.now_ms() == t0);
  wall.advance(days(31));
  CHECK(eng.now_ms() == t0);
  auto p = eng.get_profile_sync("quiet");
  REQUIRE(p.ok());
  CHECK_FALSE(has_tag(*p, "dormant"));
  CHECK(has_tag(*p, "active"));
  CHECK(p->find("windows")->find("1h")->find("view")->as_int() == 1);
  // An event without ts is dated by the wall clock.
  event no_ts = make_event("late", event_type::view, 0, "i1");
  no_ts.present &= ~key_bit(event_key::ts);
  REQUIRE(eng.ingest_sync({no_ts}).ok());
  CHECK(eng.now_ms() == t0 + minutes(5) + days(31));
}
