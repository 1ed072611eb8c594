#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <future>

#include "actors/actor_test_config.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_fixture.hpp"
#include "actors/shard_ingest.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// What a join called back with, and how often.
struct join_answers {
  int calls = 0;
  std::optional<result<batch_outcome>> last;
  batch_join::callback record() {
    return [this](result<batch_outcome> r) {
      ++calls;
      last = std::move(r);
    };
  }
};

batch_outcome outcome(uint32_t accepted, std::vector<uint32_t> rejected_indices) {
  batch_outcome o;
  o.accepted = accepted;
  for (auto i : rejected_indices)
    o.rejected.push_back(rejection{i, "duplicate", "seen before"});
  return o;
}

}  // namespace

TEST_CASE("a batch join answers once, when the last part is in, with the parts merged") {
  join_answers seen;
  {
    batch_join join({0, 1}, seen.record());
    auto first = outcome(3, {7});
    join.deliver(1, nullptr, first);
    CHECK(seen.calls == 0);
    auto again = outcome(100, {});
    join.deliver(1, nullptr, again);  // a part counts once
    CHECK(seen.calls == 0);
    auto second = outcome(2, {1, 4});
    join.deliver(0, nullptr, second);
    CHECK(seen.calls == 1);
  }
  CHECK(seen.calls == 1);  // nothing more from the destructor
  REQUIRE(seen.last->ok());
  auto& merged = **seen.last;
  CHECK(merged.accepted == 5);
  REQUIRE(merged.rejected.size() == 3);
  CHECK(merged.rejected[0].index == 7);
}

TEST_CASE("a batch join answers a part's error once every part is in") {
  join_answers seen;
  batch_join join({0, 1}, seen.record());
  status failed{error_code::internal, "the WAL could not be written"};
  batch_outcome none;
  join.deliver(0, &failed, none);
  CHECK(seen.calls == 0);
  auto fine = outcome(4, {});
  join.deliver(1, nullptr, fine);
  REQUIRE(seen.calls == 1);
  REQUIRE(!seen.last->ok());
  CHECK(seen.last->error().code() == error_code::internal);
  CHECK(seen.last->error().message() == "the WAL could not be written");
}

TEST_CASE("a batch join whose part is dropped answers unavailable, naming that part's shard") {
  join_answers seen;
  {
    batch_join join({2, 5}, seen.record());
    auto fine = outcome(1, {});
    join.deliver(0, nullptr, fine);
  }
  REQUIRE(seen.calls == 1);
  REQUIRE(!seen.last->ok());
  CHECK(seen.last->error().code() == error_code::unavailable);
  CHECK(seen.last->error().message().find("shard 5") != std::string::npos);
}

TEST_CASE("parts posted to live shards are applied and merged, a stopped shard is reported by name") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  auto a = spawn_shard(sys, shard_setup{});
  auto b_setup = numbered_shard(1);
  b_setup.slice_events = 8;  // the part is applied over several slices
  auto b = spawn_shard(sys, b_setup);

  auto ingest = [&](const std::vector<caf::actor>& shards) {
    std::promise<result<batch_outcome>> answered;
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < shards.size(); ++i)
      ids.push_back(i);
    auto join = std::make_shared<batch_join>(
        ids, [&answered](result<batch_outcome> r) { answered.set_value(std::move(r)); });
    for (uint32_t i = 0; i < shards.size(); ++i)
      post_ingest(shards[i], shard_ingest{views_for("u" + std::to_string(i), 50), join, i});
    join.reset();
    return answered.get_future().get();
  };

  auto both = ingest({a, b});
  REQUIRE(both.ok());
  CHECK(both->accepted == 100);
  CHECK(both->rejected.empty());

  {
    caf::scoped_actor me{sys};
    me->monitor(b);
    caf::anon_send_exit(b, caf::exit_reason::kill);
    me->receive([](const caf::down_msg&) {});
  }
  auto dropped = ingest({a, b});
  REQUIRE(!dropped.ok());
  CHECK(dropped.error().code() == error_code::unavailable);
  CHECK(dropped.error().message().find("shard 1") != std::string::npos);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
