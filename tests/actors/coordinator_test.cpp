#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/actor_test_config.hpp"
#include "actors/coordinator_actor.hpp"
#include "actors/error_conversion.hpp"
#include "actors/message_types.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A shard that takes every message and never answers.
caf::behavior silent_shard(caf::event_based_actor* self) {
  return {[=](query_atom, const query_request&) { return self->make_response_promise<query_partial>(); }};
}

status ask_query(caf::actor_system& sys, const caf::actor& coordinator) {
  caf::scoped_actor me{sys};
  query_request q;
  q.where = field_cond("counts.view", ">=", value{0});
  status out;
  me->request(coordinator, std::chrono::seconds(5), query_atom::value, q)
      .receive([&](value&) { out = status{}; },
               [&](caf::error& err) { out = from_caf_error(err, "the coordinator", 5000); });
  return out;
}

}  // namespace

TEST_CASE("a shard that does not answer gives a timeout naming it, not a hang") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  auto good = spawn_shard(sys, shard_setup{});
  auto slow = sys.spawn(silent_shard);
  auto coordinator =
      spawn_coordinator(sys, {good, slow}, std::chrono::milliseconds(100), std::chrono::milliseconds(100));
  auto st = ask_query(sys, coordinator);
  CHECK(st.code() == error_code::timeout);
  CHECK(st.message().find("shard 1") != std::string::npos);
  for (auto& a : {good, slow, coordinator})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

TEST_CASE("a dead shard is reported unavailable, by name") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  auto a = spawn_shard(sys, shard_setup{});
  auto b = spawn_shard(sys, numbered_shard(1));
  auto coordinator =
      spawn_coordinator(sys, {a, b}, std::chrono::milliseconds(2000), std::chrono::milliseconds(2000));
  {
    caf::scoped_actor me{sys};
    me->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::kill);
    me->receive([](const caf::down_msg&) {});
  }
  auto st = ask_query(sys, coordinator);
  CHECK(st.code() == error_code::unavailable);
  CHECK(st.message().find("shard 0") != std::string::npos);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
}

TEST_CASE("core errors cross actors with their code and message") {
  auto err = to_caf_error({error_code::not_found, "no profile for user 'x'"});
  auto back = from_caf_error(err, "shard 0", 100);
  CHECK(back.code() == error_code::not_found);
  CHECK(back.message() == "no profile for user 'x'");
}

TEST_CASE("message types serialize, so a shard could live on another node") {
  actor_test_config cfg;
  caf::actor_system sys{cfg};
  shard_batch b;
  b.shard = 3;
  b.events = {with_category(with_price(make_event("u", event_type::purchase, t0, "i1"), 9.5), {"a", "b"})};
  b.indices = {7};
  query_request q;
  q.where = field_cond("rfm.monetary", ">", value{1});
  q.aggregates.resize(1);
  q.aggregates[0].edges = {0, 1, 2};
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(b, q));
  shard_batch b2;
  query_request q2;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(b2, q2));
  CHECK(b2.shard == 3);
  CHECK(b2.events[0].categories == std::vector<std::string>{"a", "b"});
  CHECK(b2.events[0].price == 9.5);
  CHECK(b2.indices == std::vector<uint32_t>{7});
  CHECK(q2.where == q.where);
  CHECK(q2.aggregates[0].edges == q.aggregates[0].edges);
}
