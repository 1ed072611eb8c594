#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "net/msgpack_value.hpp"
#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

value events_of(std::vector<value> events) {
  return value{value::array{value{value::array(events.begin(), events.end())}}};
}

value view(const std::string& user, const std::string& item, int64_t ts) {
  return map_of({{"user", value{user}}, {"type", value{"view"}}, {"item", value{item}}, {"ts", value{ts}}});
}

/// ingest params: one view of `item` by each of `users` users named
/// `prefix`0, `prefix`1, ..., a millisecond apart.
value one_view_each(const std::string& prefix, int users, const std::string& item) {
  std::vector<value> events;
  for (int u = 0; u < users; ++u)
    events.push_back(view(prefix + std::to_string(u), item, t0 + u));
  return events_of(events);
}

value args(std::vector<value> xs) {
  return value{value::array(xs.begin(), xs.end())};
}

std::string code_of(const result<value>& r) {
  return r.ok() ? "ok" : to_string(r.error().code());
}

/// The next reply answers `msgid` with error `code`, then the node closes.
void expect_error_then_close(raw_connection& raw, uint32_t msgid, const std::string& code) {
  uint32_t id = 0;
  std::string got;
  value result;
  REQUIRE(raw.read_response(id, got, result));
  CHECK(id == msgid);
  CHECK(got == code);
  CHECK(raw.closed_by_node());
}

/// A node still serves a fresh connection.
void still_serves(const test_node& node) {
  auto c = node.connect();
  auto r = c->call_sync("ping", args({}));
  REQUIRE(r.ok());
  CHECK(r->as_string() == "pong");
}

}  // namespace

TEST_CASE("every method answers over TCP as the protocol says") {
  test_node node;
  auto c = node.connect();
  auto hello = c->call_sync("hello", args({map_of({{"client", value{"test"}}})}));
  REQUIRE(hello.ok());
  CHECK(hello->find("server")->as_string() == "persona");
  CHECK(hello->find("protocol")->as_int() == 1);
  CHECK(hello->find("shards")->as_int() == 2);
  CHECK(c->call_sync("ping", args({}))->as_string() == "pong");

  auto up = c->call_sync(
      "upsert_items", args({value{value::array{map_of(
                          {{"item", value{"i1"}}, {"category", value{"shoes"}}, {"price", value{50}}})}}}));
  REQUIRE(up.ok());
  CHECK(up->find("upserted")->as_int() == 1);

  auto ing = c->call_sync("ingest", events_of({view("u1", "i1", t0), view("u2", "i1", t0 + 1),
                                               map_of({{"user", value{"u3"}}, {"type", value{"fly"}}})}));
  REQUIRE(ing.ok());
  CHECK(ing->find("accepted")->as_int() == 2);
  CHECK(ing->find("rejected")->as_array()[0].find("code")->as_string() == "bad_type");

  auto attrs = c->call_sync("set_attributes", args({value{"u1"}, map_of({{"age", value{30}}})}));
  REQUIRE(attrs.ok());
  CHECK(attrs->find("user")->as_string() == "u1");

  auto p =
      c->call_sync("get_profile",
                   args({value{"u1"}, map_of({{"fields", args({value{"attributes"}, value{"affinity"}})}})}));
  REQUIRE(p.ok());
  CHECK(p->find("attributes")->find("age")->as_int() == 30);
  CHECK(p->find("affinity")->find("category")->find("shoes")->as_double() == 1.0);

  auto q = c->call_sync(
      "query",
      args({field_cond("counts.view", ">=", value{1}),
            map_of({{"aggregate",
                     args({map_of({{"field", value{"price.avg_viewed"}}, {"fn", value{"avg"}}})})}})}));
  REQUIRE(q.ok());
  CHECK(q->find("count")->as_int() == 2);
  CHECK(q->find("aggregates")->as_array()[0].find("value")->as_double() == 50.0);

  auto merged = c->call_sync("merge_profiles", args({value{"u2"}, value{"u1"}}));
  REQUIRE(merged.ok());
  CHECK(merged->find("counts")->find("view")->as_int() == 2);
  auto del = c->call_sync("delete_profile", args({value{"u1"}}));
  REQUIRE(del.ok());
  CHECK(del->find("deleted")->as_bool());

  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  for (auto key : {"users", "events_accepted", "events_rejected", "uptime_s", "shards"})
    CHECK(stats->find(key) != nullptr);
  CHECK(stats->find("shards")->as_array()[0].find("mailbox") != nullptr);

  auto snap = c->call_sync("snapshot", args({}));
  REQUIRE(snap.ok());
  CHECK(snap->find("shards")->as_int() == 2);
  CHECK(snap->find("bytes")->as_int() > 0);
  CHECK(snap->find("duration_ms")->as_double() > 0);
  CHECK(code_of(c->call_sync("snapshot", args({value{1}}))) == "bad_request");
}

TEST_CASE("a node that cannot use its data directory answers every method, ping too, unavailable with why") {
  test_node owner;  // holds the data directory's lock
  engine_options eo;
  eo.shards = 2;
  eo.worker_threads = 1;
  eo.data_dir = owner.data.path();
  engine blocked(eo);
  REQUIRE_FALSE(blocked.wait_ready().ok());
  net::node_config cfg;
  cfg.port = 0;
  net::server srv(blocked, cfg);
  srv.handle_signals(false);
  REQUIRE(srv.start().ok());
  net::client c;
  REQUIRE(c.connect("127.0.0.1", srv.port()).ok());
  for (auto method : {"ping", "stats", "snapshot"}) {
    auto r = c.call_sync(method, args({}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == error_code::unavailable);
    CHECK_THAT(r.error().message(), Catch::Contains("could not recover") && Catch::Contains("in use"));
  }
  c.close();
  srv.stop();
}

TEST_CASE("error codes that can occur on one node") {
  test_node node;
  auto c = node.connect();
  CHECK(code_of(c->call_sync("fly", args({}))) == "unknown_method");
  CHECK(code_of(c->call_sync("get_profile", args({value{1.5}}))) == "bad_request");
  CHECK(code_of(c->call_sync("get_profile", args({}))) == "bad_request");
  CHECK(code_of(c->call_sync("ingest", args({value{"not events"}}))) == "bad_request");
  CHECK(code_of(c->call_sync("query", args({map_of({{"field", value{"nope"}}})}))) == "bad_request");
  CHECK(code_of(c->call_sync("get_profile", args({value{"ghost"}}))) == "not_found");
  auto r = c->call_sync("set_attributes", args({value{"u"}, value{"x"}}));
  CHECK(code_of(r) == "bad_request");
  CHECK(r.error().message().find("attributes") != std::string::npos);
}

TEST_CASE("with tokens, methods need hello and the right role") {
  net::node_config cfg;
  cfg.tokens["writer"] = net::role_ingest;
  cfg.tokens["root"] = net::all_roles;
  test_node node(cfg);
  auto c = node.connect();
  CHECK(code_of(c->call_sync("ping", args({}))) == "ok");
  CHECK(code_of(c->call_sync("stats", args({}))) == "unauthenticated");
  CHECK(code_of(c->call_sync("hello", args({map_of({{"token", value{"wrong"}}})}))) == "unauthenticated");
  auto hello = c->call_sync("hello", args({map_of({{"token", value{"writer"}}})}));
  REQUIRE(hello.ok());
  CHECK(hello->find("roles")->as_array().size() == 1);
  CHECK(code_of(c->call_sync("ingest", events_of({view("u", "i", t0)}))) == "ok");
  CHECK(code_of(c->call_sync("get_profile", args({value{"u"}}))) == "forbidden");
  CHECK(code_of(c->call_sync("delete_profile", args({value{"u"}}))) == "forbidden");
  auto admin = node.connect();
  REQUIRE(admin->call_sync("hello", args({map_of({{"token", value{"root"}}})})).ok());
  CHECK(code_of(admin->call_sync("delete_profile", args({value{"u"}}))) == "ok");
}

TEST_CASE("too many requests in flight on a connection are answered overloaded") {
  net::node_config cfg;
  cfg.max_in_flight_per_connection = 1;
  test_node node(cfg);
  raw_connection raw(node.port());
  // Two requests in one write: the second arrives while the first is in flight.
  raw.write(net::encode_request(1, "stats", args({})) + net::encode_request(2, "stats", args({})));
  std::map<uint32_t, std::string> codes;
  for (int i = 0; i < 2; ++i) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    codes[id] = code;
  }
  CHECK(codes[1] == "");
  CHECK(codes[2] == "overloaded");
}

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

TEST_CASE("a write sent after an ingest batch on the same connection applies after it") {
  test_node node;
  raw_connection raw(node.port());
  // Pipelined without waiting. The batches are decoded off the I/O thread;
  // the writes behind them wait until they are routed.
  auto many = [](const std::string& user) {
    std::vector<value> events;
    for (int i = 0; i < 2000; ++i)
      events.push_back(view(user, "item" + std::to_string(i % 50), t0 + i));
    return events_of(events);
  };
  std::string burst = net::encode_request(1, "ingest", many("deleted"));
  burst += net::encode_request(2, "delete_profile", args({value{"deleted"}}));
  burst += net::encode_request(3, "ingest", many("tagged"));
  burst +=
      net::encode_request(4, "set_attributes", args({value{"tagged"}, map_of({{"tier", value{"gold"}}})}));
  raw.write(burst);
  std::map<uint32_t, value> answers;
  for (int n = 0; n < 4; ++n) {
    uint32_t id = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(id, code, result));
    CHECK(code == "");
    answers[id] = result;
  }
  REQUIRE(answers.size() == 4);
  CHECK(answers[2].find("deleted")->as_bool());
  auto c = node.connect();
  CHECK(code_of(c->call_sync("get_profile", args({value{"deleted"}}))) == "not_found");
  auto p = c->call_sync("get_profile", args({value{"tagged"}}));
  REQUIRE(p.ok());
  CHECK(p->find("counts")->find("view")->as_int() == 2000);
  CHECK(p->find("attributes")->find("tier")->as_string() == "gold");
}

TEST_CASE("writes sent after a delete, a merge or set_attributes on the same connection apply after it") {
  test_node node;
  raw_connection raw(node.port());
  // For each of 100 users, pipelined without waiting: an event, a delete,
  // another event. Only the event after the delete may stay. Then a merge
  // with an event for its source right behind it: the event makes a new
  // source profile, since the merge took the old one away.
  const int users = 100;
  std::string burst;
  uint32_t id = 0;
  for (int u = 0; u < users; ++u) {
    std::string user = "d" + std::to_string(u);
    burst += net::encode_request(++id, "ingest", events_of({view(user, "before", t0)}));
    burst += net::encode_request(++id, "delete_profile", args({value{user}}));
    burst += net::encode_request(++id, "ingest", events_of({view(user, "after", t0 + 1)}));
  }
  burst +=
      net::encode_request(++id, "ingest", events_of({view("source", "i1", t0), view("target", "i2", t0)}));
  burst += net::encode_request(++id, "merge_profiles", args({value{"source"}, value{"target"}}));
  burst += net::encode_notification("ingest", events_of({view("source", "i3", t0 + 5)}));
  burst +=
      net::encode_request(++id, "set_attributes", args({value{"late"}, map_of({{"tier", value{"gold"}}})}));
  burst += net::encode_request(++id, "ingest", events_of({view("late", "i4", t0 + 6)}));
  raw.write(burst);
  for (uint32_t n = 0; n < id; ++n) {
    uint32_t got = 0;
    std::string code;
    value result;
    REQUIRE(raw.read_response(got, code, result));
    CHECK(code == "");
  }
  auto c = node.connect();
  for (int u = 0; u < users; ++u) {
    auto p = c->call_sync("get_profile", args({value{"d" + std::to_string(u)}}));
    REQUIRE(p.ok());
    CHECK(p->find("counts")->find("view")->as_int() == 1);
    CHECK(p->find("recent_items")->as_array().size() == 1);
  }
  auto target = c->call_sync("get_profile", args({value{"target"}}));
  REQUIRE(target.ok());
  CHECK(target->find("counts")->find("view")->as_int() == 2);
  result<value> source = status{error_code::not_found, ""};
  for (int i = 0; i < 200 && !source.ok(); ++i) {  // the notification is not answered
    source = c->call_sync("get_profile", args({value{"source"}}));
    if (!source.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(source.ok());
  CHECK(source->find("counts")->find("view")->as_int() == 1);
  auto late = c->call_sync("get_profile", args({value{"late"}}));
  REQUIRE(late.ok());
  CHECK(late->find("attributes")->find("tier")->as_string() == "gold");
  CHECK(late->find("counts")->find("view")->as_int() == 1);
  auto stats = c->call_sync("stats", args({}));
  CHECK(stats->find("net")->find("held_behind_writes")->as_int() >= users);
}

TEST_CASE("ingest as a notification applies events and answers nothing") {
  test_node node;
  auto c = node.connect();
  c->notify("ingest", events_of({view("n1", "i1", t0), map_of({{"type", value{"view"}}})}));
  c->notify("client_hello", args({}));  // unknown notifications are ignored
  result<value> p = status{error_code::not_found, ""};
  for (int i = 0; i < 200 && !p.ok(); ++i) {
    p = c->call_sync("get_profile", args({value{"n1"}}));
    if (!p.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(p.ok());
  auto stats = c->call_sync("stats", args({}));
  CHECK(stats->find("events_rejected")->as_int() == 1);
  CHECK(stats->find("net")->find("unknown_notifications")->as_int() == 1);
}

TEST_CASE("bad input closes only the offending connection") {
  net::node_config cfg;
  cfg.max_message_bytes = 4096;
  test_node node(cfg);
  auto bystander = node.connect();

  SECTION("garbage bytes") {
    raw_connection raw(node.port());
    raw.write(std::string("\xc1\xc1\xc1\xc1 this is not msgpack"));
    CHECK(raw.closed_by_node());
  }
  SECTION("a message that is not an array") {
    raw_connection raw(node.port());
    raw.write(net::encode_notification("x", args({})).substr(1) /* drop the array header */);
    CHECK(raw.closed_by_node());
  }
  SECTION("a wrong shape with a readable msgid gets an error, then the close") {
    raw_connection raw(node.port());
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    net::pack_value(pk, buf, args({value{0}, value{5}, value{42}, args({})}));
    raw.write(std::string(buf.data(), buf.size()));
    expect_error_then_close(raw, 5, "bad_request");
  }
  SECTION("a message over max_message_bytes gets too_large, then the close") {
    raw_connection raw(node.port());
    raw.write(net::encode_request(8, "ingest", events_of({view(std::string(6000, 'u'), "i", t0)})));
    expect_error_then_close(raw, 8, "too_large");
  }
  SECTION("a forged huge length") {
    raw_connection raw(node.port());
    const char forged[] =
        "\x94\x00\x03\xa6"
        "ingest"
        "\xdd\xff\xff\xff\xff";
    raw.write(std::string(forged, sizeof forged - 1));
    expect_error_then_close(raw, 3, "too_large");
  }
  SECTION("a truncated message and a hang-up") {
    {
      raw_connection raw(node.port());
      auto msg = net::encode_request(1, "ping", args({}));
      raw.write(msg.substr(0, msg.size() - 1));
    }
  }
  still_serves(node);
  REQUIRE(bystander->call_sync("ping", args({})).ok());
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

TEST_CASE("a client that stops reading is disconnected, not buffered without end") {
  net::node_config cfg;
  cfg.max_write_queue_bytes = 64 * 1024;
  test_node node(cfg);
  {
    auto c = node.connect();
    std::vector<value> events;
    for (int i = 0; i < 50; ++i)
      events.push_back(view("heavy", "item" + std::to_string(i), t0 + i));
    REQUIRE(c->call_sync("ingest", events_of(events)).ok());
  }
  raw_connection raw(node.port());
  // Ask for thousands of full profiles and never read a reply.
  std::string burst;
  for (uint32_t i = 0; i < 1000; ++i)
    burst += net::encode_request(i, "get_profile", args({value{"heavy"}}));
  boost::system::error_code ec;
  for (int round = 0; round < 20 && !ec; ++round)
    boost::asio::write(raw.socket, boost::asio::buffer(burst), ec);
  // The node closes the connection: reading finds its end after the replies
  // the kernel had already taken.
  CHECK(raw.closed_by_node());
  still_serves(node);
}

TEST_CASE("connections beyond max_connections are closed at once, the others keep working") {
  net::node_config cfg;
  cfg.max_connections = 1;
  test_node node(cfg);
  auto first = node.connect();
  REQUIRE(first->call_sync("ping", args({})).ok());
  raw_connection second(node.port());
  CHECK(second.closed_by_node());
  REQUIRE(first->call_sync("ping", args({})).ok());
  auto stats = first->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  CHECK(stats->find("net")->find("connections_refused")->as_int() == 1);
}

TEST_CASE("segments over TCP: define, list, members with cursor paging, profiles list them, drop") {
  test_node node;
  auto c = node.connect();
  REQUIRE(c->call_sync("ingest", one_view_each("u", 250, "i1")).ok());
  auto where = field_cond("counts.view", ">=", value{int64_t{1}});
  auto def = c->call_sync("define_segment", args({value{"viewers"}, where}));
  REQUIRE(def.ok());
  CHECK(def->find("name")->as_string() == "viewers");
  CHECK(def->find("size")->as_int() == 250);
  auto list = c->call_sync("list_segments", args({}));
  REQUIRE(list.ok());
  REQUIRE(list->as_array().size() == 1);
  CHECK(list->as_array()[0].find("size")->as_int() == 250);
  CHECK(list->as_array()[0].find("where")->find("field")->as_string() == "counts.view");
  // Pages of 60 cover every member exactly once.
  std::set<std::string> seen;
  value cursor;
  int pages = 0;
  do {
    auto opts = map_of({{"limit", value{int64_t{60}}}});
    if (!cursor.is_nil())
      opts.set("cursor", cursor);
    auto page = c->call_sync("segment_members", args({value{"viewers"}, opts}));
    REQUIRE(page.ok());
    CHECK(page->find("users")->as_array().size() <= 60);
    for (auto& u : page->find("users")->as_array())
      CHECK(seen.insert(u.as_string()).second);
    cursor = *page->find("cursor");
    ++pages;
  } while (!cursor.is_nil() && pages < 20);
  CHECK(seen.size() == 250);
  auto profile = c->call_sync("get_profile", args({value{"u7"}}));
  REQUIRE(profile.ok());
  REQUIRE(profile->find("segments")->as_array().size() == 1);
  CHECK(profile->find("segments")->as_array()[0].as_string() == "viewers");
  auto q = c->call_sync("query", args({map_of({{"segment", value{"viewers"}}})}));
  REQUIRE(q.ok());
  CHECK(q->find("count")->as_int() == 250);
  CHECK(code_of(c->call_sync("segment_members", args({value{"nope"}}))) == "not_found");
  CHECK(code_of(c->call_sync("segment_members",
                             args({value{"viewers"}, map_of({{"cursor", value{"x"}}})}))) == "bad_request");
  CHECK(code_of(c->call_sync("define_segment", args({value{"bad"}, map_of({{"field", value{"nope"}}})}))) ==
        "bad_request");
  auto drop = c->call_sync("drop_segment", args({value{"viewers"}}));
  REQUIRE(drop.ok());
  CHECK(drop->find("dropped")->as_bool());
  CHECK(c->call_sync("get_profile", args({value{"u7"}}))->find("segments")->as_array().empty());
  CHECK(code_of(c->call_sync("query", args({map_of({{"segment", value{"viewers"}}})}))) == "bad_request");
}

TEST_CASE("subscribe: segment_event notifications on enter and exit, in order per user") {
  test_node node;
  auto c = node.connect();
  std::mutex m;
  std::vector<value> received;
  c->on_notification([&](const std::string& method, value& params) {
    if (method != "segment_event")
      return;
    std::lock_guard<std::mutex> lock(m);
    for (auto& e : params.as_array()[0].as_array())
      received.push_back(e);
  });
  REQUIRE(c->call_sync("define_segment",
                       args({value{"carted"}, field_cond("counts.add_to_cart", ">=", value{int64_t{1}})}))
              .ok());
  CHECK(code_of(c->call_sync("subscribe", args({value{value::array{value{"nope"}}}}))) == "not_found");
  auto sub = c->call_sync("subscribe", args({value{value::array{value{"carted"}}}}));
  REQUIRE(sub.ok());
  CHECK(sub->find("subscribed")->as_array()[0].as_string() == "carted");
  auto cart = map_of(
      {{"user", value{"ann"}}, {"type", value{"add_to_cart"}}, {"item", value{"i1"}}, {"ts", value{t0}}});
  REQUIRE(c->call_sync("ingest", events_of({cart})).ok());
  REQUIRE(c->call_sync("delete_profile", args({value{"ann"}})).ok());
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(m);
      if (received.size() >= 2)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(m);
  REQUIRE(received.size() == 2);
  CHECK(received[0].find("segment")->as_string() == "carted");
  CHECK(received[0].find("user")->as_string() == "ann");
  CHECK(received[0].find("entered")->as_bool());
  CHECK(received[0].find("ts")->as_int() == t0);
  CHECK_FALSE(received[1].find("entered")->as_bool());
}

TEST_CASE(
    "a subscriber that does not read loses segment events, counted and announced, never unbounded memory") {
  net::node_config cfg;
  cfg.max_subscriber_queue_bytes = 64 * 1024;
  test_node node(cfg);
  auto admin = node.connect();
  REQUIRE(admin
              ->call_sync("define_segment",
                          args({value{"viewers"}, field_cond("counts.view", ">=", value{int64_t{1}})}))
              .ok());
  auto slow = node.connect();
  std::atomic<bool> release{false};
  std::atomic<uint64_t> delivered{0}, announced{0};
  slow->on_notification([&](const std::string& method, value& params) {
    while (!release.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // stops the client reading
    if (method == "segment_event")
      delivered += params.as_array()[0].as_array().size();
    if (method == "segment_events_dropped")
      announced += static_cast<uint64_t>(params.as_array()[0].find("dropped")->as_int());
  });
  REQUIRE(slow->call_sync("subscribe", args({value{value::array{value{"viewers"}}}})).ok());
  const int users = 100000;
  for (int first = 0; first < users; first += 5000) {
    std::vector<value> events;
    for (int u = first; u < first + 5000; ++u)
      events.push_back(view("v" + std::to_string(u), "i1", t0 + u));
    REQUIRE(admin->call_sync("ingest", events_of(events)).ok());
  }
  // Every event is either sent or dropped and counted.
  uint64_t sent = 0, dropped = 0;
  for (int i = 0; i < 500 && sent + dropped < users; ++i) {
    auto stats = admin->call_sync("stats", args({}));
    REQUIRE(stats.ok());
    sent = stats->find("net")->find("segment_events_sent")->as_int();
    dropped = stats->find("net")->find("segment_events_dropped")->as_int();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(sent + dropped == users);
  CHECK(dropped > 0);
  release = true;
  for (int i = 0; i < 500 && delivered + announced < users; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(delivered == sent);
  CHECK(announced == dropped);
}

TEST_CASE("recommend, similar_items, similar_users and predict over TCP, with their params checked") {
  test_node node;
  auto c = node.connect();
  std::vector<value> events;
  for (int u = 0; u < 5; ++u) {
    auto user = "r" + std::to_string(u);
    events.push_back(view(user, "a", t0 + u * 10));
    events.push_back(view(user, "b", t0 + u * 10 + 1));
  }
  REQUIRE(c->call_sync("ingest", events_of(events)).ok());
  // Global signals are published within the publish interval (200 ms).
  result<value> similar = status{error_code::not_found, ""};
  for (int i = 0; i < 50 && !similar.ok(); ++i) {
    similar = c->call_sync("similar_items", args({value{"a"}, value{5}}));
    if (!similar.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(similar.ok());
  CHECK(similar->find("items")->as_array()[0].find("item")->as_string() == "b");

  REQUIRE(c->call_sync("ingest", events_of({view("new", "a", t0 + 100)})).ok());
  auto rec =
      c->call_sync("recommend", args({value{"new"}, value{3}, map_of({{"strategy", value{"item_cf"}}})}));
  REQUIRE(rec.ok());
  CHECK(rec->find("strategy")->as_string() == "item_cf");
  auto& first = rec->find("items")->as_array().at(0);
  CHECK(first.find("item")->as_string() == "b");
  CHECK(first.find("reason")->as_string() == "often chosen with a");
  // k may be left out (10); an unknown user gets a cold start.
  auto cold = c->call_sync("recommend", args({value{"stranger"}}));
  REQUIRE(cold.ok());
  CHECK(cold->find("strategy")->as_string() == "popular");

  auto users = c->call_sync("similar_users", args({value{"r0"}, value{3}}));
  REQUIRE(users.ok());
  REQUIRE(users->find("users")->as_array().size() == 3);
  CHECK(users->find("users")->as_array()[0].find("score")->as_double() == Approx(1.0));

  auto p = c->call_sync("predict", args({value{"r0"}}));
  REQUIRE(p.ok());
  for (auto key : {"purchase_propensity", "churn_risk", "next_purchase_days"})
    CHECK(p->find(key) != nullptr);
  auto stats = c->call_sync("stats", args({}));
  REQUIRE(stats.ok());
  CHECK(stats->find("item_model")->find("signals")->as_int() >= 10);

  CHECK(code_of(c->call_sync("recommend", args({}))) == "bad_request");
  CHECK(code_of(c->call_sync("recommend", args({value{"r0"}, value{"ten"}}))) == "bad_request");
  CHECK(code_of(c->call_sync("recommend", args({value{"r0"}, value{5}, value{1}}))) == "bad_request");
  CHECK(code_of(c->call_sync("similar_items", args({value{"zzz"}, value{5}}))) == "not_found");
  CHECK(code_of(c->call_sync("similar_users", args({value{"r0"}, value{0}}))) == "bad_request");
  CHECK(code_of(c->call_sync("predict", args({value{"nobody"}}))) == "not_found");
  CHECK(code_of(c->call_sync("predict", args({value{"r0"}, value{1}, value{2}}))) == "bad_request");
}
