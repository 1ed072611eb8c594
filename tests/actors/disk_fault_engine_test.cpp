// The engine on a failing disk (tests/core/storage/faulty_env.hpp through
// engine_options::files): a change whose WAL write or sync fails is
// answered `unavailable`, and a restart on a healthy disk has every
// acknowledged change and no part of the failed batch.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "core/storage/faulty_env.hpp"
#include "test_engine_options.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Three views of `user`, with ids.
std::vector<event> views_of(const std::string& user, int64_t ts0 = t0) {
  std::vector<event> out;
  for (int i = 0; i < 3; ++i)
    out.push_back(with_id(make_event(user, event_type::view, ts0 + i * 1000, "i" + std::to_string(i)),
                          user + "-" + std::to_string(ts0 + i)));
  return out;
}

/// One batch with the views of every user in `users`.
std::vector<event> batch_of(const std::vector<std::string>& users, int64_t ts0 = t0) {
  std::vector<event> out;
  for (auto& u : users)
    for (auto& e : views_of(u, ts0))
      out.push_back(e);
  return out;
}

std::vector<std::string> named(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(prefix + std::to_string(i));
  return out;
}

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

/// Views of `user` in `eng`: 0 when it has no profile.
int64_t views_in(engine& eng, const std::string& user) {
  auto r = eng.get_profile_sync(user);
  return r.ok() ? r->find("counts")->find("view")->as_int() : 0;
}

}  // namespace

TEST_CASE(
    "an ingest whose WAL write fails is answered unavailable, and a restart loses nothing acknowledged") {
  temp_directory dir;
  faulty_env disk;
  auto acked = named("a", 40);
  auto failed = named("b", 20);
  std::map<std::string, std::string> before;
  {
    auto o = test_engine(2, dir.path());
    o.files = &disk;
    engine eng(o);
    REQUIRE(eng.wait_ready().ok());
    for (int i = 0; i < 4; ++i) {
      std::vector<std::string> part(acked.begin() + i * 10, acked.begin() + (i + 1) * 10);
      REQUIRE(eng.ingest_sync(batch_of(part, t0 + i * 10000)).ok());
    }
    before = rendered(eng, acked);

    // Room for less than either shard's record of the next batch.
    disk.set_free_space(40);
    auto r = eng.ingest_sync(batch_of(failed));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::unavailable);
    CHECK_THAT(r.error().message(),
               Catch::Contains("write-ahead log") && Catch::Contains("No space left on device"));

    // Today's behaviour: the shards refuse every later change, applying
    // nothing, until the node is restarted; reads go on.
    disk.set_free_space(faulty_env::unlimited);
    auto later = eng.ingest_sync(batch_of({"c0", "c1", "c2"}));
    REQUIRE_FALSE(later.ok());
    CHECK(later.error().code() == error_code::unavailable);
    CHECK_THAT(later.error().message(), Catch::Contains("takes no more changes"));
    CHECK(eng.set_attributes_sync("a1", map_of({{"tier", value{"gold"}}})).error().code() ==
          error_code::unavailable);
    CHECK(views_in(eng, "c0") == 0);
    CHECK(rendered(eng, acked) == before);
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(rendered(again, acked) == before);
  for (auto& u : failed)
    CHECK(views_in(again, u) == 0);
  CHECK(views_in(again, "c0") == 0);
  // A healthy disk takes changes again.
  REQUIRE(again.ingest_sync(batch_of(failed)).ok());
  CHECK(views_in(again, "b0") == 3);
}

TEST_CASE("under fsync=always an ingest whose sync fails is answered unavailable, not acknowledged") {
  temp_directory dir;
  faulty_env disk;
  auto acked = named("a", 10);
  std::map<std::string, std::string> before;
  {
    auto o = test_engine(1, dir.path());
    o.fsync = fsync_policy::always;
    o.files = &disk;
    engine eng(o);
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync(batch_of(acked)).ok());
    before = rendered(eng, acked);
    disk.set_fail_syncs(true);
    auto r = eng.ingest_sync(batch_of({"b0"}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::unavailable);
    CHECK_THAT(r.error().message(), Catch::Contains("syncing") && Catch::Contains("Input/output error"));
    // Syncs work again; the shard still refuses changes until restarted.
    disk.set_fail_syncs(false);
    auto later = eng.ingest_sync(batch_of({"c0"}));
    REQUIRE_FALSE(later.ok());
    CHECK(later.error().code() == error_code::unavailable);
    CHECK_THAT(later.error().message(), Catch::Contains("takes no more changes"));
  }
  engine again(test_engine(1, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(rendered(again, acked) == before);
  // Written but not synced: the unacknowledged batch is whole or absent.
  auto views = views_in(again, "b0");
  CHECK((views == 0 || views == 3));
  CHECK(views_in(again, "c0") == 0);
}

TEST_CASE("a snapshot whose rename fails is answered unavailable, and ingest and recovery go on") {
  temp_directory dir;
  faulty_env disk;
  auto users = named("a", 30);
  std::map<std::string, std::string> before;
  {
    auto o = test_engine(2, dir.path());
    o.files = &disk;
    engine eng(o);
    REQUIRE(eng.wait_ready().ok());
    REQUIRE(eng.ingest_sync(batch_of(users)).ok());
    REQUIRE(eng.snapshot_sync().ok());
    REQUIRE(eng.ingest_sync(batch_of(users, t0 + days(1))).ok());
    disk.set_fail_renames(true);
    auto snap = eng.snapshot_sync();
    REQUIRE_FALSE(snap.ok());
    CHECK(snap.error().code() == error_code::unavailable);
    CHECK_THAT(snap.error().message(),
               Catch::Contains("could not write a snapshot") && Catch::Contains("renaming"));
    REQUIRE(eng.ingest_sync(batch_of(users, t0 + days(1) + 60000)).ok());
    before = rendered(eng, users);
  }
  engine again(test_engine(2, dir.path()));
  REQUIRE(again.wait_ready().ok());
  CHECK(rendered(again, users) == before);
  CHECK(views_in(again, "a0") == 9);
}
