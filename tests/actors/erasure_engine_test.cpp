// Erasure: a deleted profile leaves every file of the data directory, by a
// compaction the delete schedules (whatever the snapshot settings), or
// before a durable delete is answered; the others' profiles stay.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "actors/engine.hpp"
#include "data_dir_scan.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// What the files must forget of the deleted user.
const std::vector<std::string> traces = {"erased-user-5550123", "erased-device-9f31",
                                         "erased search text q7"};

/// Events of the user to be deleted (a device, a search) and of others.
std::vector<event> workload(int64_t ts0) {
  std::vector<event> out;
  for (int i = 0; i < 40; ++i) {
    auto e = make_event("kept" + std::to_string(i % 10), event_type::view, ts0 + i * 1000,
                        "item" + std::to_string(i));
    out.push_back(e);
  }
  auto v = make_event(traces[0], event_type::view, ts0, "item1");
  v.device = traces[1];
  v.mark(event_key::device);
  out.push_back(v);
  auto s = make_event(traces[0], event_type::search, ts0 + 1000);
  s.query = traces[2];
  out.push_back(s);
  return out;
}

engine_options erasure_engine(const std::string& dir, std::chrono::milliseconds erase_max_delay) {
  auto o = test_engine(2, dir);
  o.snapshot_interval = std::chrono::milliseconds(0);
  o.erase_max_delay = erase_max_delay;
  return o;
}

}  // namespace

TEST_CASE("a durable delete is answered once no file of the data directory holds the user") {
  temp_directory dir;
  bool snapshot_before = GENERATE(false, true);
  {
    // A bound of an hour: only the durable delete can clean in time.
    engine eng(erasure_engine(dir.path(), std::chrono::hours(1)));
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync(workload(t0)).ok());
    if (snapshot_before)
      REQUIRE(eng.snapshot_sync().ok());
    REQUIRE(eng.ingest_sync(workload(t0 + days(1))).ok());
    REQUIRE_FALSE(files_holding(dir.path(), traces).empty());
    auto r = eng.delete_profile_sync(traces[0], map_of({{"durable", value{true}}}));
    REQUIRE(r.ok());
    CHECK(r->find("deleted")->as_bool());
    CHECK(files_holding(dir.path(), traces).empty());
    CHECK(eng.get_profile_sync(traces[0]).error().code() == error_code::not_found);
    CHECK(eng.get_profile_sync("kept3").ok());
  }
  // The others come back; the deleted user does not.
  engine again(erasure_engine(dir.path(), std::chrono::hours(1)));
  REQUIRE(again.wait_ready().ok());
  CHECK(again.get_profile_sync(traces[0]).error().code() == error_code::not_found);
  auto kept = again.get_profile_sync("kept3");
  REQUIRE(kept.ok());
  CHECK(files_holding(dir.path(), traces).empty());
}

TEST_CASE("a delete schedules the compaction that drops it, with no periodic snapshots") {
  temp_directory dir;
  engine eng(erasure_engine(dir.path(), std::chrono::milliseconds(400)));
  REQUIRE(eng.wait_ready().ok());
  REQUIRE(eng.ingest_sync(workload(t0)).ok());
  REQUIRE(eng.delete_profile_sync(traces[0]).ok());
  // A bound of 400 ms; the test waits far longer before it calls it lost
  // (a busy machine), and checks that the compaction, not a stop, did it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!files_holding(dir.path(), traces).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(files_holding(dir.path(), traces).empty());
  auto stats = eng.stats_sync();
  REQUIRE(stats.ok());
  CHECK(stats->find("durability")->find("erase_compactions")->as_int() >= 1);
  CHECK(eng.get_profile_sync("kept3").ok());
}

TEST_CASE("a durable delete on a memory-only node is answered at once") {
  engine eng(test_engine(2));
  REQUIRE(eng.wait_ready().ok());
  REQUIRE(eng.ingest_sync(workload(t0)).ok());
  auto r = eng.delete_profile_sync(traces[0], map_of({{"durable", value{true}}}));
  REQUIRE(r.ok());
  CHECK(r->find("deleted")->as_bool());
}

TEST_CASE("delete_profile refuses options other than durable, and deletes nothing") {
  engine eng(test_engine(2));
  REQUIRE(eng.wait_ready().ok());
  REQUIRE(eng.ingest_sync(workload(t0)).ok());
  auto r = eng.delete_profile_sync(traces[0], map_of({{"durable", value{"yes"}}}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::bad_request);
  r = eng.delete_profile_sync(traces[0], map_of({{"fast", value{true}}}));
  REQUIRE_FALSE(r.ok());
  CHECK(eng.get_profile_sync(traces[0]).ok());
}

TEST_CASE("profile_ttl deletes a profile with no event for that long, counts it, and the files forget it") {
  temp_directory dir;
  manual_wall_clock wall(t0 + days(20));
  auto o = erasure_engine(dir.path(), std::chrono::milliseconds(400));
  o.clock = clock_mode::live;
  o.wall_clock = wall.source();
  o.profile_ttl = std::chrono::hours(24 * 30);
  o.retention_sweep_interval = std::chrono::milliseconds(10);
  engine eng(o);
  REQUIRE(eng.wait_ready().ok());
  auto old = make_event(traces[0], event_type::view, t0, "item1");
  old.device = traces[1];
  old.mark(event_key::device);
  auto in = eng.ingest_sync({old, make_event("recent", event_type::view, t0 + days(20), "item2")});
  REQUIRE(in.ok());
  REQUIRE(in->find("accepted")->as_int() == 2);
  REQUIRE(eng.set_attributes_sync("attributes-only", map_of({{"tier", value{"gold"}}})).ok());
  // Twenty days old at most: several sweeps later, nothing has gone.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(eng.get_profile_sync(traces[0]).ok());

  wall.set(t0 + days(31));  // "old" is 31 days quiet, "recent" 11
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (eng.get_profile_sync(traces[0]).ok() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(eng.get_profile_sync(traces[0]).error().code() == error_code::not_found);
  CHECK(eng.get_profile_sync("recent").ok());
  CHECK(eng.get_profile_sync("attributes-only").ok());
  auto stats = eng.stats_sync();
  REQUIRE(stats.ok());
  CHECK(stats->find("profiles_expired")->as_int() == 1);
  while (!files_holding(dir.path(), traces).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(files_holding(dir.path(), traces).empty());
}
