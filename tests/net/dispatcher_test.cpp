// The dispatcher over TCP: each method's params check, the role checks and
// the notifications, with the exact messages a client reads.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A call and the error it must get.
struct refusal {
  const char* method;
  value params;
  std::string code;
  std::string message;
};

/// The error `c` gets for `method` with `params`, as "code: message".
std::string error_of(net::client& c, const std::string& method, const value& params) {
  auto r = c.call_sync(method, params);
  return r.ok() ? "ok" : std::string(to_string(r.error().code())) + ": " + r.error().message();
}

/// An encoded params array of the strings `before`, then a map keyed by a
/// boolean, which no value can hold: reading it fails, naming the param.
std::string bad_map_after(const std::vector<std::string>& before) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(static_cast<uint32_t>(before.size() + 1));
  for (auto& s : before)
    pk.pack(s);
  pk.pack_map(1);
  pk.pack_true();
  pk.pack(1);
  return std::string(buf.data(), buf.size());
}

/// The error of a call whose params are already encoded, as "code: message".
std::string error_of_encoded(net::client& c, const std::string& method, const std::string& params) {
  std::promise<result<value>> answered;
  auto answer = answered.get_future();
  c.call_encoded(method, params, [&answered](result<value> r) { answered.set_value(std::move(r)); });
  REQUIRE(answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto r = answer.get();
  return r.ok() ? "ok" : std::string(to_string(r.error().code())) + ": " + r.error().message();
}

const std::string user_id_rule = " must be a user id: a string of 1 to 256 bytes or an unsigned integer";
const std::string id_rule = " must be an id: a string of 1 to 256 bytes or an unsigned integer";

}  // namespace

TEST_CASE("each method's params are checked with a message naming the bad one") {
  test_node node;
  auto c = node.connect();
  auto none = args({});
  auto user = value{"u"};
  auto bad_id = value{1.5};
  std::vector<refusal> refusals = {
      {"hello", args({value{1}, value{2}}), "bad_request", "hello takes params [options], got 2 element(s)"},
      {"hello", args({value{5}}), "bad_request", "hello: options must be a map"},
      {"ping", args({value{1}}), "bad_request", "ping takes no params"},
      {"stats", args({value{1}}), "bad_request", "stats takes no params"},
      {"snapshot", args({value{1}}), "bad_request", "snapshot takes no params"},
      {"ingest", none, "bad_request", "ingest takes params [events, options], got 0 element(s)"},
      {"ingest", args({value{"x"}}), "bad_request", "ingest: events must be an array of event maps"},
      {"upsert_items", none, "bad_request", "upsert_items takes params [items, options], got 0 element(s)"},
      {"set_attributes", args({user}), "bad_request",
       "set_attributes takes params [user, attributes], got 1 element(s)"},
      {"set_attributes", args({bad_id, map_of({})}), "bad_request", "user" + user_id_rule},
      {"get_profile", none, "bad_request", "get_profile takes params [user, options], got 0 element(s)"},
      {"get_profile", args({bad_id}), "bad_request", "user" + user_id_rule},
      {"get_profile", args({user, value{1}}), "bad_request", "get_profile: options must be a map"},
      {"delete_profile", none, "bad_request",
       "delete_profile takes params [user, options], got 0 element(s)"},
      {"delete_profile", args({bad_id}), "bad_request", "user" + user_id_rule},
      {"set_consent", args({user}), "bad_request",
       "set_consent takes params [user, consent], got 1 element(s)"},
      {"export_profile", none, "bad_request", "export_profile takes params [user], got 0 element(s)"},
      {"merge_profiles", args({user}), "bad_request",
       "merge_profiles takes params [source, target], got 1 element(s)"},
      {"merge_profiles", args({bad_id, user}), "bad_request", "source" + user_id_rule},
      {"merge_profiles", args({user, bad_id}), "bad_request", "target" + user_id_rule},
      {"query", none, "bad_request", "query takes params [where, options], got 0 element(s)"},
      {"query", args({map_of({}), value{"x"}}), "bad_request", "query: options must be a map"},
      {"define_segment", args({value{"s"}}), "bad_request",
       "define_segment takes params [name, where], got 1 element(s)"},
      {"define_segment", args({bad_id, map_of({})}), "bad_request", "name" + user_id_rule},
      {"drop_segment", args({value{"s"}, value{"t"}}), "bad_request",
       "drop_segment takes params [name], got 2 element(s)"},
      {"drop_segment", args({bad_id}), "bad_request", "name" + user_id_rule},
      {"list_segments", args({value{1}}), "bad_request", "list_segments takes no params"},
      {"segment_members", none, "bad_request",
       "segment_members takes params [name, options], got 0 element(s)"},
      {"segment_members", args({value{"s"}, value{1}}), "bad_request",
       "segment_members: options must be a map"},
      {"subscribe", none, "bad_request", "subscribe takes params [[segment names]], got 0 element(s)"},
      {"subscribe", args({args({})}), "bad_request", "segments must be a non-empty array of segment names"},
      {"subscribe", args({value{"s"}}), "bad_request", "segments must be a non-empty array of segment names"},
      {"subscribe", args({args({value{1}})}), "bad_request",
       "segments must be an array of segment names (strings)"},
      {"train_clusters", args({map_of({}), value{1}}), "bad_request",
       "train_clusters takes params [options], got 2 element(s)"},
      {"train_clusters", args({value{1}}), "bad_request", "train_clusters: options must be a map"},
      {"get_clusters", args({value{1}}), "bad_request", "get_clusters takes no params"},
      {"recommend", none, "bad_request", "recommend takes params [user, k, options], got 0 element(s)"},
      {"recommend", args({bad_id}), "bad_request", "user" + id_rule},
      {"recommend", args({user, value{"ten"}}), "bad_request",
       "k must be an unsigned integer: how many items or users to answer"},
      {"recommend", args({user, value{5}, value{1}}), "bad_request", "recommend: options must be a map"},
      {"similar_items", args({value{"a"}, value{1}, value{2}}), "bad_request",
       "similar_items takes params [item, k], got 3 element(s)"},
      {"similar_items", args({bad_id}), "bad_request", "item" + id_rule},
      {"similar_users", args({user, value{1}, value{2}}), "bad_request",
       "similar_users takes params [user, k], got 3 element(s)"},
      {"similar_users", args({bad_id}), "bad_request", "user" + id_rule},
      {"similar_users", args({user, value{-1}}), "bad_request",
       "k must be an unsigned integer: how many items or users to answer"},
      {"predict", none, "bad_request", "predict takes params [user, options], got 0 element(s)"},
      {"predict", args({bad_id}), "bad_request", "user" + user_id_rule},
      {"predict", args({user, value{1}}), "bad_request", "predict: options must be a map"},
  };
  for (auto& r : refusals) {
    CAPTURE(r.method, r.message);
    CHECK(error_of(*c, r.method, r.params) == r.code + ": " + r.message);
  }
}

TEST_CASE("a param that no value can hold is refused, naming the param") {
  test_node node;
  auto c = node.connect();
  const std::string rule = " has a map key that is not a string";
  CHECK(error_of_encoded(*c, "hello", bad_map_after({})) == "bad_request: options" + rule);
  CHECK(error_of_encoded(*c, "upsert_items", bad_map_after({})) == "bad_request: items" + rule);
  CHECK(error_of_encoded(*c, "set_attributes", bad_map_after({"u"})) == "bad_request: attributes" + rule);
  CHECK(error_of_encoded(*c, "get_profile", bad_map_after({"u"})) == "bad_request: options" + rule);
  CHECK(error_of_encoded(*c, "query", bad_map_after({})) == "bad_request: where" + rule);
  CHECK(error_of_encoded(*c, "define_segment", bad_map_after({"s"})) == "bad_request: where" + rule);
  CHECK(error_of_encoded(*c, "subscribe", bad_map_after({})) == "bad_request: segments" + rule);
  CHECK(error_of_encoded(*c, "recommend", bad_map_after({"u"})) == "bad_request: k" + rule);
}

TEST_CASE("an unknown method is refused with the list of methods") {
  test_node node;
  auto c = node.connect();
  CHECK(error_of(*c, "fly", args({})) ==
        "unknown_method: no method 'fly'; methods: hello, ping, stats, snapshot, ingest, upsert_items, "
        "set_attributes, get_profile, delete_profile, set_consent, export_profile, merge_profiles, query, "
        "define_segment, drop_segment, "
        "list_segments, segment_members, subscribe, train_clusters, get_clusters, recommend, similar_items, "
        "similar_users, predict");
}

TEST_CASE("with tokens, a method is refused before its params are read, an unknown one before that") {
  net::node_config cfg;
  REQUIRE(cfg.tokens.add("writer", "writer-0123456789abcdef", net::role_ingest).ok());
  test_node node(cfg);
  auto c = node.connect();
  CHECK(error_of(*c, "fly", args({})).rfind("unknown_method: no method 'fly'", 0) == 0);
  CHECK(error_of(*c, "get_profile", args({})) ==
        "unauthenticated: this node requires a token: send hello with options {\"token\": ...} first");
  CHECK(error_of(*c, "ping", args({value{1}})) == "bad_request: ping takes no params");
  CHECK(error_of(*c, "hello", args({})) ==
        "unauthenticated: hello needs options {\"token\": str} on this node");
  CHECK(error_of(*c, "hello", args({map_of({{"token", value{"nope"}}})})) ==
        "unauthenticated: the token is not valid on this node");
  REQUIRE(c->call_sync("hello", args({map_of({{"token", value{"writer-0123456789abcdef"}}})})).ok());
  CHECK(error_of(*c, "get_profile", args({})) ==
        "forbidden: the token's roles do not allow get_profile; it needs the role query");
  CHECK(error_of(*c, "merge_profiles", args({})) ==
        "forbidden: the token's roles do not allow merge_profiles; it needs the role admin");
  CHECK(error_of(*c, "ingest", args({})) ==
        "bad_request: ingest takes params [events, options], got 0 element(s)");
}

TEST_CASE("notifications: ingest applies with the ingest role, other methods are counted unknown") {
  net::node_config cfg;
  REQUIRE(cfg.tokens.add("writer", "writer-0123456789abcdef", net::role_ingest).ok());
  REQUIRE(cfg.tokens.add("reader", "reader-0123456789abcdef", net::role_query).ok());
  test_node node(cfg);
  auto c = node.connect();
  c->notify("ingest", events_of({view("before", "i", t0)}));  // before hello: dropped
  c->notify("ping", args({}));                                // not taken as a notification
  c->notify("get_profile", args({value{"before"}}));
  REQUIRE(c->call_sync("hello", args({map_of({{"token", value{"reader-0123456789abcdef"}}})})).ok());
  c->notify("ingest", events_of({view("reader", "i", t0)}));  // without the ingest role: dropped
  REQUIRE(c->call_sync("ping", args({})).ok());               // read after the notifications
  auto w = node.connect();
  REQUIRE(w->call_sync("hello", args({map_of({{"token", value{"writer-0123456789abcdef"}}})})).ok());
  w->notify("ingest", args({}));  // bad params: nothing to answer, nothing applied
  w->notify("ingest", events_of({view("writer", "i", t0)}));
  result<value> p = status{error_code::not_found, ""};
  for (int i = 0; i < 200 && !p.ok(); ++i) {
    p = c->call_sync("get_profile", args({value{"writer"}}));
    if (!p.ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(p.ok());
  CHECK(code_of(c->call_sync("get_profile", args({value{"before"}}))) == "not_found");
  CHECK(code_of(c->call_sync("get_profile", args({value{"reader"}}))) == "not_found");
  // A batch is counted once it is durable, which may be after its profile shows.
  result<value> stats = status{error_code::unavailable, ""};
  for (int i = 0; i < 200; ++i) {
    stats = c->call_sync("stats", args({}));
    REQUIRE(stats.ok());
    if (stats->find("events_accepted")->as_int() >= 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto& net = *stats->find("net");
  CHECK(net.find("notifications")->as_int() == 6);
  CHECK(net.find("unknown_notifications")->as_int() == 2);
  CHECK(net.find("protocol_errors")->as_int() == 2);
  CHECK(stats->find("events_accepted")->as_int() == 1);
}
