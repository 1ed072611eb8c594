// The C++ client: many sending threads, and calls after a close.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("the client sends from many threads at once, each request whole, each answered once") {
  test_node node;
  auto c = node.connect();
  const int threads = 4, calls = 150, per_call = 200;
  std::atomic<int> right{0}, answered{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < threads; ++t)
    senders.emplace_back([&, t] {
      for (int k = 0; k < calls; ++k) {
        // Large requests: the socket takes some only in part.
        std::vector<value> events;
        for (int e = 0; e < per_call; ++e)
          events.push_back(
              view("t" + std::to_string(t) + "u" + std::to_string(e), "item" + std::to_string(k), t0 + k));
        c->call("ingest", events_of(events), [&](result<value> r) {
          if (r.ok() && r->find("accepted")->as_int() == per_call)
            ++right;
          ++answered;
        });
      }
    });
  for (auto& t : senders)
    t.join();
  for (int i = 0; i < 3000 && answered < threads * calls; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(answered == threads * calls);
  CHECK(right == threads * calls);
  auto p = c->call_sync("get_profile", args({value{"t3u7"}}));
  REQUIRE(p.ok());
  CHECK(p->find("counts")->find("view")->as_int() == calls);
}

TEST_CASE("a call on a closed client fails at once with unavailable") {
  test_node node;
  auto c = node.connect();
  REQUIRE(c->call_sync("ping", args({})).ok());
  c->close();
  auto r = c->call_sync("ping", args({}), std::chrono::milliseconds(2000));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::unavailable);
  CHECK(r.error().message().find("closed") != std::string::npos);
}
