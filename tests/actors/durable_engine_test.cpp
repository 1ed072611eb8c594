// The engine with a data directory: every kind of change survives a
// restart, snapshots and WAL combine, fsync=always answers only synced
// changes, and a data directory is guarded against misuse.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "actors/engine.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Every profile of `users` as the engine renders it at a fixed time.
std::map<std::string, std::string> rendered(engine& eng, const std::vector<std::string>& users) {
  std::map<std::string, std::string> out;
  value opts = map_of({{"now", value{t0 + days(2)}}});
  for (auto& u : users) {
    auto r = eng.get_profile_sync(u, opts);
    out[u] = r.ok() ? encode_value(*r) : "missing";
  }
  return out;
}

std::vector<event> events_for(std::mt19937& rng, int n, int users, int64_t ts0) {
  std::vector<event> out;
  for (int i = 0; i < n; ++i) {
    auto e = make_event("u" + std::to_string(rng() % users), event_type::view, ts0 + i * 1000,
                        "item" + std::to_string(rng() % 30));
    if (i % 7 == 0)
      e = with_price(make_event(e.user, event_type::purchase, e.ts, e.item), 5 + rng() % 50);
    out.push_back(with_id(e, std::to_string(ts0) + ":" + std::to_string(i)));
  }
  return out;
}

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back("u" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("every kind of change survives a restart, with and without a snapshot in between") {
  temp_directory dir;
  auto users = names(200);
  users.push_back("target");
  users.push_back("gone");
  users.push_back("source");
  std::map<std::string, std::string> before;
  bool snapshot_between = GENERATE(false, true);
  std::mt19937 rng(1);
  {
    engine eng(test_engine(2, dir.path()));
    REQUIRE(eng.wait_ready().ok());
    auto items = value{value::array{map_of({{"item", value{"item1"}},
                                            {"category", value{"books"}},
                                            {"brand", value{"acme"}},
                                            {"price", value{12.0}}})}};
    REQUIRE(eng.upsert_items_sync(items).ok());
    REQUIRE(eng.ingest_sync(events_for(rng, 3000, 200, t0)).ok());
    REQUIRE(eng.ingest_sync({make_event("gone", event_type::view, t0, "item1"),
                             make_event("source", event_type::click, t0, "item1"),
                             make_event("target", event_type::view, t0, "item2")})
                .ok());
    if (snapshot_between) {
      auto snap = eng.snapshot_sync();
      REQUIRE(snap.ok());
      CHECK(snap->find("shards")->as_int() == 2);
    }
    REQUIRE(eng.set_attributes_sync("u1", map_of({{"tier", value{"gold"}}})).ok());
    REQUIRE(eng.delete_profile_sync("gone").ok());
    REQUIRE(eng.merge_profiles_sync("source", "target").ok());
    REQUIRE(eng.ingest_sync(events_for(rng, 1000, 200, t0 + days(1))).ok());
    // Predictions read the item model: the one before the restart holds
    // every example, and so does the one the restart restores.
    REQUIRE(eng.refresh_item_model_sync().ok());
    before = rendered(eng, users);
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(rendered(again, users) == before);
  CHECK(before["gone"] == "missing");
  CHECK(before["source"] == "missing");
  auto target = again.get_profile_sync("target");
  REQUIRE(target.ok());
  CHECK(target->find("counts")->find("click")->as_int() == 1);
  CHECK(again.get_profile_sync("u1")->find("attributes")->find("tier")->as_string() == "gold");
  auto stats = again.stats_sync();
  CHECK(stats->find("items")->as_int() == 1);
  // The catalog came back: a new event for item1 is enriched from it.
  REQUIRE(again.ingest_sync({make_event("fresh", event_type::view, t0 + days(1), "item1")}).ok());
  auto fresh = again.get_profile_sync("fresh");
  REQUIRE(fresh.ok());
  CHECK(fresh->find("affinity")->find("category")->find("books") != nullptr);
}

TEST_CASE("under fsync=always an answered batch is already synced") {
  temp_directory dir;
  auto o = test_engine(1, dir.path());
  o.fsync = fsync_policy::always;
  engine eng(o);
  REQUIRE(eng.wait_ready().ok());
  std::mt19937 rng(2);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(eng.ingest_sync(events_for(rng, 100, 20, t0 + i * days(1))).ok());
    auto shard = eng.stats_sync()->find("shards")->as_array()[0];
    CHECK(shard.find("wal_seq")->as_int() == i + 1);
    CHECK(shard.find("wal_synced_seq")->as_int() >= i + 1);
  }
}

TEST_CASE("a data directory in use, or written with another shard count, is refused with what to do") {
  temp_directory dir;
  engine first(test_engine(2, dir.path()));
  REQUIRE(first.wait_ready().ok());
  {
    engine second(test_engine(2, dir.path()));
    auto st = second.wait_ready();
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.message(), Catch::Contains("in use by another process") && Catch::Contains("--data-dir"));
    CHECK(second.ingest_sync({make_event("u", event_type::view, t0, "i")}).error().code() ==
          error_code::unavailable);
  }
  temp_directory other;
  {
    engine two(test_engine(2, other.path()));
    REQUIRE(two.wait_ready().ok());
  }
  engine three(test_engine(3, other.path()));
  auto st = three.wait_ready();
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.message(), Catch::Contains("--shards=2"));
}

TEST_CASE("a memory-only engine refuses snapshot and says how to get one") {
  engine_options o;
  o.shards = 1;
  o.worker_threads = 1;
  engine eng(o);
  auto r = eng.snapshot_sync();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::unavailable);
  CHECK_THAT(r.error().message(), Catch::Contains("--data-dir"));
}

TEST_CASE("a shard whose WAL grew past snapshot_wal_bytes snapshots by itself") {
  temp_directory dir;
  auto o = test_engine(1, dir.path());
  o.snapshot_wal_bytes = 20000;
  engine eng(o);
  REQUIRE(eng.wait_ready().ok());
  std::mt19937 rng(3);
  for (int i = 0; i < 10; ++i)
    REQUIRE(eng.ingest_sync(events_for(rng, 300, 50, t0 + i * days(1))).ok());
  uint64_t snapshots = 0;
  for (int i = 0; i < 200 && snapshots == 0; ++i) {
    snapshots = eng.stats_sync()->find("shards")->as_array()[0].find("snapshots")->as_int();
    if (snapshots == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(snapshots >= 1);
  // Each snapshot bounds the WAL behind it: never more than one segment's
  // worth piles up before the next snapshot starts.
  uint64_t wal_files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path() + "/shard-0"))
    wal_files += e.path().extension() == ".log";
  CHECK(wal_files <= 3);
}
