// personad's one clock over TCP: time-driven segment exits are pushed on
// every shard within the sweep interval plus the sweep, with or without
// further traffic; an event a day in the future is rejected and changes
// nothing; --clock=live follows the wall clock.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/util/node_clock.hpp"
#include "core/util/user_router.hpp"
#include "node_fixture.hpp"
#include "personad_process.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// The sweep interval the node runs with: short, so the test takes seconds.
constexpr int sweep_interval_ms = 300;
/// How long a push may take here: the documented lag (interval plus a
/// sweep of a few profiles) with a wide margin for a busy machine.
constexpr auto push_limit = std::chrono::seconds(10);

value purchase(const std::string& user, int64_t ts) {
  return map_of({{"user", value{user}},
                 {"type", value{"purchase"}},
                 {"item", value{"i1"}},
                 {"price", value{10.0}},
                 {"ts", value{ts}}});
}

/// Segment events a subscriber received: who entered, who left.
struct pushes {
  std::mutex m;
  std::set<std::string> entered, left;

  void take(const std::string& method, value& params) {
    if (method != "segment_event")
      return;
    std::lock_guard<std::mutex> lock(m);
    for (auto& e : params.as_array()[0].as_array())
      (e.find("entered")->as_bool() ? entered : left).insert(e.find("user")->as_string());
  }
  /// Waits until `n` users entered (or left), up to push_limit.
  bool wait(bool enter, size_t n) {
    auto deadline = std::chrono::steady_clock::now() + push_limit;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(m);
        if ((enter ? entered : left).size() >= n)
          return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

}  // namespace

TEST_CASE("personad pushes time-driven exits on every shard within interval plus sweep, traffic or not") {
  bool more_traffic = GENERATE(false, true);
  INFO("further traffic: " << more_traffic);
  const size_t shards = 4;
  temp_directory dir;
  personad_process node(dir.path(),
                        {"--shards=4", "--segment-sweep-interval-ms=" + std::to_string(sweep_interval_ms)});
  net::client admin, watcher;
  REQUIRE(admin.connect("127.0.0.1", node.port).ok());
  REQUIRE(watcher.connect("127.0.0.1", node.port).ok());
  pushes seen;
  watcher.on_notification([&](const std::string& method, value& params) { seen.take(method, params); });
  REQUIRE(admin
              .call_sync("define_segment", args({value{"bought_24h"}, field_cond("windows.24h.purchase",
                                                                                 ">=", value{int64_t{1}})}))
              .ok());
  REQUIRE(watcher.call_sync("subscribe", args({value{value::array{value{"bought_24h"}}}})).ok());

  // Two buyers on each shard, three days before the wall clock.
  const int64_t bought = system_wall_ms() - days(3);
  std::vector<value> buys;
  std::set<size_t> covered;
  for (int u = 0; buys.size() < 2 * shards; ++u) {
    auto user = "buyer" + std::to_string(u);
    if (std::count_if(buys.begin(), buys.end(), [&](const value& b) {
          return shard_of(b.find("user")->as_string(), shards) == shard_of(user, shards);
        }) < 2) {
      buys.push_back(purchase(user, bought));
      covered.insert(shard_of(user, shards));
    }
  }
  REQUIRE(covered.size() == shards);
  REQUIRE(admin.call_sync("ingest", events_of(buys))->find("accepted")->as_int() == 8);
  REQUIRE(seen.wait(true, 8));

  // One event two days later, for someone else: one shard gets it.
  auto started = std::chrono::steady_clock::now();
  REQUIRE(admin.call_sync("ingest", events_of({view("late", "i2", bought + days(2))}))
              ->find("accepted")
              ->as_int() == 1);
  std::atomic<bool> stop{false};
  std::thread traffic;
  if (more_traffic)
    traffic = std::thread([&] {
      net::client feed;
      if (!feed.connect("127.0.0.1", node.port).ok())
        return;
      for (int i = 1; !stop.load(); ++i) {
        feed.call_sync("ingest", events_of({view("late", "i3", bought + days(2) + i)}));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  bool all_left = seen.wait(false, 8);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  stop = true;
  if (traffic.joinable())
    traffic.join();
  INFO("exits pushed after " << ms << " ms");
  REQUIRE(all_left);
  std::lock_guard<std::mutex> lock(seen.m);
  CHECK(seen.left == seen.entered);
  auto size = admin.call_sync("list_segments", args({}));
  REQUIRE(size.ok());
  CHECK(size->as_array()[0].find("size")->as_int() == 0);
}

TEST_CASE("personad rejects an event a day in the future with bad_timestamp, and nothing changes") {
  temp_directory dir;
  personad_process node(dir.path());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  const int64_t now = system_wall_ms();
  REQUIRE(c.call_sync("ingest", events_of({view("u1", "i1", now - days(1))}))->find("accepted")->as_int() ==
          1);
  auto before = c.call_sync("stats", args({}));
  auto profile_before = c.call_sync("get_profile", args({value{"u1"}}));
  REQUIRE(before.ok());
  REQUIRE(profile_before.ok());

  auto r =
      c.call_sync("ingest", events_of({view("u1", "i1", now + days(1)), view("u2", "i1", now + days(1))}));
  REQUIRE(r.ok());
  CHECK(r->find("accepted")->as_int() == 0);
  auto& rejected = r->find("rejected")->as_array();
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].find("code")->as_string() == "bad_timestamp");
  CHECK(rejected[1].find("code")->as_string() == "bad_timestamp");
  CHECK(rejected[0].find("message")->as_string().find("--max-future-ms=300000") != std::string::npos);

  auto after = c.call_sync("stats", args({}));
  REQUIRE(after.ok());
  CHECK(after->find("events_accepted")->as_int() == before->find("events_accepted")->as_int());
  CHECK(after->find("users")->as_int() == 1);
  CHECK(after->find("now")->as_int() == now - days(1));
  for (size_t s = 0; s < 2; ++s)
    CHECK(after->find("shards")->as_array()[s].find("wal_seq")->as_int() ==
          before->find("shards")->as_array()[s].find("wal_seq")->as_int());
  CHECK(code_of(c.call_sync("get_profile", args({value{"u2"}}))) == "not_found");
  CHECK(*c.call_sync("get_profile", args({value{"u1"}})) == *profile_before);
}

TEST_CASE("personad --clock=live says the wall clock is now when the newest event is older") {
  temp_directory dir;
  personad_process node(dir.path(), {"--clock=live"});
  net::client c;
  REQUIRE(c.connect("127.0.0.1", node.port).ok());
  const int64_t before = system_wall_ms();
  REQUIRE(
      c.call_sync("ingest", events_of({view("u1", "i1", before - days(40))}))->find("accepted")->as_int() ==
      1);
  auto stats = c.call_sync("stats", args({}));
  const int64_t after = system_wall_ms();
  REQUIRE(stats.ok());
  CHECK(stats->find("now")->as_int() >= before);
  CHECK(stats->find("now")->as_int() <= after);
  auto p = c.call_sync("get_profile", args({value{"u1"}}));
  REQUIRE(p.ok());
  bool dormant = false;
  for (auto& t : p->find("tags")->as_array())
    dormant = dormant || t.as_string() == "dormant";
  CHECK(dormant);
}
