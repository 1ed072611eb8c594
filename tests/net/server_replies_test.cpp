// Replies: out of order and matched by msgid, whole from any thread, intact when clients hang up.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("pipelined requests are answered out of order and matched by msgid") {
  test_node node;
  {
    // Enough profiles that a two-pass histogram query takes milliseconds.
    auto loader = node.connect();
    REQUIRE(loader->call_sync("ingest", one_view_each("user", 100000, "i")).ok());
  }
  raw_connection raw(node.port());
  // The query fans out to every shard twice; ping is answered at once.
  auto slow = args({field_cond("counts.view", ">=", value{1}),
                    map_of({{"aggregate", args({map_of({{"field", value{"last_seen"}},
                                                        {"fn", value{"histogram"}},
                                                        {"bins", value{10}}})})}})});
  raw.write(net::encode_request(10, "query", slow) + net::encode_request(11, "ping", args({})));
  uint32_t first = 0, second = 0;
  std::string code1, code2;
  value r1, r2;
  REQUIRE(raw.read_response(first, code1, r1));
  REQUIRE(raw.read_response(second, code2, r2));
  CHECK(first == 11);
  CHECK(code1 == "");
  CHECK(second == 10);
  CHECK(code2 == "");
  if (first == 11 && second == 10) {
    CHECK(r1.as_string() == "pong");
    CHECK(r2.find("count")->as_int() == 100000);
  }

  // The client library matches many concurrent calls to their replies.
  auto c = node.connect();
  std::atomic<int> right{0};
  std::vector<std::future<void>> waits;
  std::vector<std::shared_ptr<std::promise<void>>> promises;
  for (int i = 0; i < 200; ++i) {
    auto p = std::make_shared<std::promise<void>>();
    waits.push_back(p->get_future());
    promises.push_back(p);
    std::string user = "user" + std::to_string(i);
    c->call("ingest", events_of({view(user, "i", t0)}), [&right, p](result<value> r) {
      if (r.ok() && r->find("accepted")->as_int() == 1)
        ++right;
      p->set_value();
    });
  }
  for (auto& w : waits)
    w.wait();
  CHECK(right == 200);
}

TEST_CASE("replies written from actor threads and from the I/O thread arrive whole, each once") {
  test_node node;
  const int users = 10000;
  {
    // Ten recent items with long ids a user: a query listing them all
    // answers with megabytes.
    auto c = node.connect();
    std::vector<value> events;
    for (int u = 0; u < users; ++u)
      for (int i = 0; i < 10; ++i)
        events.push_back(view("user" + std::to_string(u),
                              std::string(60, 'x') + std::to_string(u) + "-" + std::to_string(i), t0 + i));
    REQUIRE(c->call_sync("ingest", events_of(events)).ok());
  }
  raw_connection raw(node.port());
  // Three such queries, then point reads behind them: the node's socket
  // fills while the client does not read, so later replies find the
  // connection busy and queue behind the rest of the first.
  auto everyone = args({field_cond("counts.view", ">=", value{1}),
                        map_of({{"limit", value{users}}, {"fields", args({value{"recent_items"}})}})});
  auto asked = map_of({{"now", value{t0 + 100}}});
  std::string burst;
  const uint32_t queries = 3, reads = 200;
  for (uint32_t i = 0; i < queries; ++i)
    burst += net::encode_request(i, "query", everyone);
  for (uint32_t i = queries; i < queries + reads; ++i)
    burst += net::encode_request(i, "get_profile", args({value{"user" + std::to_string(i)}, asked}));
  raw.write(burst);
  // Not reading until a reply has queued behind a busy write: on a loaded
  // machine the node may take longer than any fixed wait to get there.
  {
    auto watcher = node.connect();
    int64_t queued = 0;
    for (int i = 0; i < 1000 && queued == 0; ++i) {
      auto stats = watcher->call_sync("stats", args({}));
      REQUIRE(stats.ok());
      queued = stats->find("net")->find("replies_queued")->as_int();
      if (queued == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(queued > 0);
  }
  std::set<uint32_t> seen;
  for (uint32_t n = 0; n < queries + reads; ++n) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    REQUIRE(code == "");
    CHECK(seen.insert(id).second);
    if (id < queries) {
      CHECK(result.find("count")->as_int() == users);
      auto& listed = result.find("users")->as_array();
      REQUIRE(listed.size() == static_cast<size_t>(users));
      CHECK(listed.back().find("recent_items")->as_array().size() == 10);
    } else {
      CHECK(result.find("user")->as_string() == "user" + std::to_string(id));
      CHECK(result.find("counts")->find("view")->as_int() == 10);
    }
  }
  CHECK(seen.size() == queries + reads);

  auto c = node.connect();
  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  auto direct = stats->find("net")->find("replies_direct")->as_int();
  auto queued = stats->find("net")->find("replies_queued")->as_int();
  CHECK(direct > 0);
  CHECK(queued > 0);
  CHECK(direct + queued >= queries + reads + 1);
}

TEST_CASE("clients that hang up with replies in flight leave other connections' replies intact") {
  test_node node;
  {
    auto c = node.connect();
    REQUIRE(c->call_sync("ingest", one_view_each("user", 200, "item")).ok());
  }
  // A steady reader on its own connection, while others come and go.
  std::atomic<bool> done{false};
  std::atomic<int> good{0}, bad{0};
  std::thread reader([&] {
    auto c = node.connect();
    for (int i = 0; !done; ++i) {
      auto user = "user" + std::to_string(i % 200);
      auto r = c->call_sync("get_profile", args({value{user}}));
      if (r.ok() && r->find("user")->as_string() == user)
        ++good;
      else
        ++bad;
    }
  });
  for (int round = 0; round < 30; ++round) {
    raw_connection raw(node.port());
    std::string burst;
    for (uint32_t i = 0; i < 100; ++i)
      burst += net::encode_request(i, "get_profile", args({value{"user" + std::to_string(i)}}));
    raw.write(burst);
    // Hang up at once: the replies are still being written by actor threads.
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  reader.join();
  CHECK(good > 0);
  CHECK(bad == 0);
  still_serves(node);
}
