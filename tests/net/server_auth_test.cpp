// Tokens and roles: hello first, then only what the role allows.
#include <catch2/catch.hpp>

#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("with tokens, methods need hello and the right role") {
  net::node_config cfg;
  REQUIRE(cfg.tokens.add("writer", "writer-0123456789abcdef", net::role_ingest).ok());
  REQUIRE(cfg.tokens.add("root", "root-0123456789abcdef", net::all_roles).ok());
  test_node node(cfg);
  auto c = node.connect();
  CHECK(code_of(c->call_sync("ping", args({}))) == "ok");
  CHECK(code_of(c->call_sync("stats", args({}))) == "unauthenticated");
  CHECK(code_of(c->call_sync("hello", args({map_of({{"token", value{"wrong"}}})}))) == "unauthenticated");
  auto hello = c->call_sync("hello", args({map_of({{"token", value{"writer-0123456789abcdef"}}})}));
  REQUIRE(hello.ok());
  CHECK(hello->find("roles")->as_array().size() == 1);
  CHECK(code_of(c->call_sync("ingest", events_of({view("u", "i", t0)}))) == "ok");
  CHECK(code_of(c->call_sync("get_profile", args({value{"u"}}))) == "forbidden");
  CHECK(code_of(c->call_sync("delete_profile", args({value{"u"}}))) == "forbidden");
  auto admin = node.connect();
  REQUIRE(admin->call_sync("hello", args({map_of({{"token", value{"root-0123456789abcdef"}}})})).ok());
  CHECK(code_of(admin->call_sync("delete_profile", args({value{"u"}}))) == "ok");
}
