#include <atomic>
#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>

#include "actors/actor_test_config.hpp"
#include "actors/error_conversion.hpp"
#include "actors/message_types.hpp"
#include "actors/messages.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_fixture.hpp"
#include "actors/shard_read.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A memory-only shard that applies one event per slice.
shard_setup one_event_slices() {
  shard_setup s;
  s.slice_events = 1;
  return s;
}

/// Gives `shard` one view each from users u0 .. u{users-1}, at t0 + u.
void populate_views(caf::scoped_actor& me, const caf::actor& shard, int users) {
  shard_batch all;
  for (int u = 0; u < users; ++u) {
    all.events.push_back(make_event("u" + std::to_string(u), event_type::view, t0 + u, "i1"));
    all.indices.push_back(static_cast<uint32_t>(u));
  }
  me->request(shard, std::chrono::seconds(60), ingest_atom::value, std::move(all))
      .receive([users](batch_outcome& o) { CHECK(o.accepted == static_cast<uint32_t>(users)); },
               [](caf::error&) { FAIL("populate failed"); });
}

/// Holds a shard inside the answer of a point read until release(), so
/// the order in its mailbox of the requests sent meanwhile is known.
class shard_hold {
 public:
  shard_hold(const caf::actor& shard, int64_t now_ms) {
    auto released = release_.get_future().share();
    post_read(shard, shard_read{"u7",
                                now_ms,
                                {"counts"},
                                std::make_shared<answer_once>(
                                    [this, released](result<value> r) {
                                      held_.set_value();
                                      released.wait();
                                      read_.set_value(std::move(r));
                                    },
                                    "shard 0"),
                                read_kind::profile,
                                {}});
    held_.get_future().wait();
  }
  /// Lets the shard go on; the held read must have been answered.
  void release() {
    release_.set_value();
    REQUIRE(read_.get_future().get().ok());
  }

 private:
  std::promise<void> held_, release_;
  std::promise<result<value>> read_;
};

}  // namespace

TEST_CASE("a point read overtakes a large batch queued before it") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  auto shard = spawn_shard(sys, one_event_slices());  // one event per slice
  caf::scoped_actor me{sys};
  me->request(shard, std::chrono::seconds(5), ingest_atom::value, views_for("reader", 1, t0))
      .receive([](batch_outcome&) {}, [](caf::error&) { FAIL("the first batch failed"); });

  // The request goes out now; its answer is collected at the end.
  auto big = me->request(shard, std::chrono::seconds(60), ingest_atom::value, views_for("writer", 20000, t0));
  std::atomic<bool> batch_done{false};
  std::promise<result<value>> read;
  post_read(shard, shard_read{"reader",
                              t0 + 1,
                              {"counts"},
                              std::make_shared<answer_once>(
                                  [&](result<value> r) { read.set_value(std::move(r)); }, "shard 0"),
                              read_kind::profile,
                              {}});
  auto r = read.get_future().get();
  REQUIRE(r.ok());
  CHECK(r->find("counts")->find("view")->as_int() == 1);
  // Answered while the batch sent before it was still being applied: the
  // batch's answer is not yet in the mailbox.
  bool early = false;
  me->receive([&](batch_outcome&) {}, caf::after(std::chrono::seconds(0)) >> [&] { early = true; });
  CHECK(early);
  big.receive(
      [&](batch_outcome& o) {
        CHECK(o.accepted == 20000);
        batch_done = true;
      },
      [](caf::error&) { FAIL("the large batch failed"); });
  CHECK(batch_done);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
}

TEST_CASE("a read answers exactly once, and unavailable if it is dropped unanswered") {
  int calls = 0;
  status last;
  {
    answer_once a([&](result<value> r) { ++calls, last = r.ok() ? status{} : r.error(); }, "shard 3");
    a.deliver(value{1});
    a.deliver(value{2});
  }
  CHECK(calls == 1);
  CHECK(last.ok());
  {
    answer_once dropped([&](result<value> r) { ++calls, last = r.ok() ? status{} : r.error(); }, "shard 3");
  }
  CHECK(calls == 2);
  CHECK(last.code() == error_code::unavailable);
  CHECK(last.message().find("shard 3") != std::string::npos);
}

TEST_CASE("a batch sent after a query is answered before the scan ends, and the scan's answer is exact") {
  actor_test_config cfg;
  cfg.set("scheduler.max-threads", 2);  // one worker stays free while the shard is held
  caf::actor_system sys{cfg};
  auto shard = spawn_shard(sys, one_event_slices());  // queries scan 16 profiles a slice
  caf::scoped_actor me{sys};
  const int users = 20000;
  populate_views(me, shard, users);

  shard_hold hold(shard, t0 + users);

  query_request q;
  q.where = field_cond("counts.view", ">=", value{1});
  q.limit = 5;
  q.now_ms = t0 + users;
  // An actor sends the scan, then a small batch, and notes the order of
  // their answers.
  std::mutex m;
  std::vector<std::string> answered;
  query_partial scanned;
  std::promise<void> sent, both;
  auto note = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(m);
    answered.push_back(what);
    if (answered.size() == 2)
      both.set_value();
  };
  auto late = views_for("late", 1, t0 + users);
  sys.spawn([&, shard, q, late](caf::event_based_actor* self) {
    self->request(shard, std::chrono::seconds(60), query_atom::value, q).then([&](query_partial& p) {
      scanned = std::move(p);
      note("scan");
    });
    self->request(shard, std::chrono::seconds(60), ingest_atom::value, late).then([&](batch_outcome& o) {
      CHECK(o.accepted == 1);
      note("batch");
    });
    sent.set_value();
  });
  sent.get_future().wait();
  hold.release();
  both.get_future().wait();
  // The batch sent after the query was answered first: ingest went on while
  // the query was still to scan 1,250 slices.
  REQUIRE(answered.size() == 2);
  CHECK(answered[0] == "batch");
  // The late user was applied before the scan's first slice, so it counts.
  CHECK(scanned.count == static_cast<uint64_t>(users) + 1);
  CHECK(scanned.users.size() == 5);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
}

TEST_CASE("a query past its deadline is cancelled in the shard, which stops scanning") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  auto setup = one_event_slices();  // queries scan 16 profiles a slice
  setup.query_deadline = std::chrono::milliseconds(100);
  // Each reading of the clock is a second later: the deadline has passed
  // by the first slice after the shard took the query.
  auto ticks = std::make_shared<std::atomic<int>>(0);
  setup.steady_now = [ticks] {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(++*ticks));
  };
  auto shard = spawn_shard(sys, setup);
  caf::scoped_actor me{sys};
  const int users = 2000;
  populate_views(me, shard, users);
  query_request q;
  q.where = field_cond("counts.view", ">=", value{1});
  q.now_ms = t0 + users;
  std::string answer;
  me->request(shard, std::chrono::seconds(60), query_atom::value, q)
      .receive([&](query_partial&) { answer = "a full answer"; },
               [&](caf::error& e) { answer = from_caf_error(e, "shard 0", 60000).message(); });
  CHECK(answer.find("cancelled a query past its deadline (100 ms) after scanning 0 of") != std::string::npos);
  // The shard scans no more: a query without a deadline is answered whole.
  setup.query_deadline = std::chrono::milliseconds(0);
  auto unbounded = spawn_shard(sys, setup);
  shard_batch few = views_for("v", 1);
  me->request(unbounded, std::chrono::seconds(60), ingest_atom::value, std::move(few))
      .receive([](batch_outcome&) {}, [](caf::error&) { FAIL("populate failed"); });
  me->request(unbounded, std::chrono::seconds(60), query_atom::value, q)
      .receive([&](query_partial& p) { CHECK(p.count == 1); }, [&](caf::error&) { FAIL("no answer"); });
  me->send_exit(shard, caf::exit_reason::user_shutdown);
  me->send_exit(unbounded, caf::exit_reason::user_shutdown);
}

TEST_CASE("a batch sent after define_segment is answered before its scan ends, and the size is exact") {
  actor_test_config cfg;
  cfg.set("scheduler.max-threads", 2);  // one worker stays free while the shard is held
  caf::actor_system sys{cfg};
  auto shard = spawn_shard(sys, one_event_slices());  // definitions scan 16 profiles a slice
  caf::scoped_actor me{sys};
  const int users = 20000;
  populate_views(me, shard, users);

  shard_hold hold(shard, t0 + users);

  std::mutex m;
  std::vector<std::string> answered;
  uint64_t size = 0;
  std::promise<void> sent, both;
  auto note = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(m);
    answered.push_back(what);
    if (answered.size() == 2)
      both.set_value();
  };
  auto late = views_for("late", 1, t0 + users);
  auto where = field_cond("counts.view", ">=", value{1});
  sys.spawn([&, shard, where, late](caf::event_based_actor* self) {
    self->request(shard, std::chrono::seconds(60), segdef_atom::value, std::string("viewers"), where)
        .then([&](uint64_t n) {
          size = n;
          note("define");
        });
    self->request(shard, std::chrono::seconds(60), ingest_atom::value, late).then([&](batch_outcome& o) {
      CHECK(o.accepted == 1);
      note("batch");
    });
    sent.set_value();
  });
  sent.get_future().wait();
  hold.release();
  both.get_future().wait();
  // The batch sent after the definition was answered first: ingest went on
  // while the definition was still to scan 1,250 slices.
  REQUIRE(answered.size() == 2);
  CHECK(answered[0] == "batch");
  // Every user is a member, the late one too.
  CHECK(size == static_cast<uint64_t>(users) + 1);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
}
