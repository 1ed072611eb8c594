// Keyed pseudonyms of devices, geos, sessions and user ids.
#include <catch2/catch.hpp>

#include "core/profile/pseudonyms.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("an event keeps only keyed hashes of its device, geo and session") {
  pseudonyms ids(siphash_key{1, 2}, false);
  auto e = make_event("alice", event_type::view, t0, "item1");
  e.device = "phone-123";
  e.geo = "paris";
  e.session = "s-9";
  ids.apply(e);
  CHECK(e.user == "alice");
  CHECK(e.device.size() == pseudonyms::context_chars);
  CHECK(e.device != "phone-123");
  CHECK(e.geo.size() == pseudonyms::context_chars);
  CHECK(e.session.size() == pseudonyms::context_chars);
  CHECK(e.device == ids.context("device", "phone-123"));
  SECTION("the same text under the same key gives the same hash, so risk signals still compare") {
    auto again = make_event("alice", event_type::view, t0, "item1");
    again.device = "phone-123";
    ids.apply(again);
    CHECK(again.device == e.device);
  }
  SECTION("another key, or another kind of identifier, gives another hash") {
    CHECK(pseudonyms(siphash_key{1, 3}, false).context("device", "phone-123") != e.device);
    CHECK(ids.context("geo", "phone-123") != e.device);
  }
  SECTION("absent identifiers stay absent") {
    auto bare = make_event("bob", event_type::view, t0, "item1");
    ids.apply(bare);
    CHECK(bare.device.empty());
    CHECK(bare.geo.empty());
    CHECK(bare.session.empty());
  }
}

TEST_CASE("pseudonymised user ids are u: and 32 hex digits, stable under one key") {
  pseudonyms ids(siphash_key{5, 6}, true);
  auto p = ids.user("+33612345678");
  CHECK(p.size() == pseudonyms::user_chars);
  CHECK(p.rfind("u:", 0) == 0);
  CHECK(pseudonyms::is_user_pseudonym(p));
  CHECK(ids.user("+33612345678") == p);
  CHECK(ids.user("+33612345679") != p);
  CHECK(pseudonyms(siphash_key{5, 7}, true).user("+33612345678") != p);
  SECTION("a pseudonym passed back is kept as it is") {
    CHECK(ids.user(p) == p);
  }
  SECTION("ids the engine rejects are left for its checks") {
    CHECK(ids.user("").empty());
    CHECK(ids.user(std::string(300, 'x')) == std::string(300, 'x'));
  }
  SECTION("off, ids are kept") {
    CHECK(pseudonyms(siphash_key{5, 6}, false).user("+336") == "+336");
  }
}
