#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/model/propensity_model.hpp"
#include "core/profile/attributes.hpp"
#include "core/query/profile_view.hpp"
#include "test_util.hpp"

namespace Catch {
template <>
struct StringMaker<persona::value> {
  static std::string convert(const persona::value& v) { return v.to_json(); }
};
}  // namespace Catch

using namespace persona;
using namespace persona::test;

namespace {

/// Noon UTC: purchases then are not night purchases.
constexpr int64_t noon = t0 + 12 * ms_per_hour;

/// The profile map's keys: the user, its times and attributes, then the
/// fields of docs/profiles.md in the order of its table.
const std::vector<std::string> documented = {"user",
                                             "first_seen",
                                             "last_seen",
                                             "attributes",
                                             "counts",
                                             "windows",
                                             "sessions",
                                             "affinity",
                                             "recent_items",
                                             "rfm",
                                             "purchase_cycle_days",
                                             "price",
                                             "risk",
                                             "tags",
                                             "segments",
                                             "cluster",
                                             "predict",
                                             "consent"};

std::vector<std::string> keys_of(const value& map) {
  std::vector<std::string> out;
  for (auto& [key, v] : map.as_map())
    out.push_back(key);
  return out;
}

/// A shard's symbols and a buyer: views of shoes (brand acme) and hats, two
/// purchases ten days apart, attributes.
struct shard {
  symbol_table symbols;
  profile_config cfg;
  profile buyer;
  int64_t now = noon + days(10) + minutes(30);

  shard() {
    auto feed = [&](event e) { apply_to(buyer, e, symbols, cfg); };
    feed(with_brand(
        with_category(with_price(make_event("buyer", event_type::view, noon, "i1"), 50), {"shoes"}), "acme"));
    feed(with_category(with_price(make_event("buyer", event_type::view, noon + minutes(1), "i2"), 30),
                       {"hats"}));
    feed(with_category(with_price(make_event("buyer", event_type::purchase, noon + minutes(2), "i1"), 40, 2),
                       {"shoes"}));
    feed(with_category(with_price(make_event("buyer", event_type::purchase, noon + days(10), "i3"), 20),
                       {"hats"}));
    auto attrs = map_of({{"age", value{34}}, {"city", value{"Berlin"}}});
    REQUIRE(apply_attributes(buyer, attrs, symbols, cfg.caps.attributes).ok());
  }

  value render(const profile& p, const std::vector<std::string>& fields = {},
               const segment_directory* segments = nullptr) {
    read_context ctx{now, symbols, cfg, segments};
    return render_profile(p, "buyer", ctx, fields);
  }
};

}  // namespace

TEST_CASE("the profile keys are the documented ones in their order, and nothing else is one") {
  CHECK(profile_keys() == documented);
  for (auto& key : documented)
    CHECK(is_profile_key(key));
  for (auto key : {"", "User", "rfm.monetary", "counts.view", "predictions", "segment", "tag"})
    CHECK_FALSE(is_profile_key(key));
}

TEST_CASE("a profile renders every key, in the order of profile_keys") {
  shard s;
  CHECK(keys_of(s.render(s.buyer)) == documented);
}

TEST_CASE("fields renders only the keys asked, in the order of profile_keys whatever the order asked") {
  shard s;
  auto map = s.render(s.buyer, {"rfm", "user", "tags"});
  CHECK(keys_of(map) == std::vector<std::string>{"user", "rfm", "tags"});
  CHECK(*map.find("user") == value{"buyer"});
  CHECK(keys_of(s.render(s.buyer, {"cluster"})) == std::vector<std::string>{"cluster"});
}

TEST_CASE("each key renders what the profile holds at now") {
  shard s;
  auto map = s.render(s.buyer);
  auto at = [&](const char* key) -> const value& {
    auto* v = map.find(key);
    REQUIRE(v);
    return *v;
  };
  CHECK(at("user") == value{"buyer"});
  CHECK(at("first_seen") == value{noon});
  CHECK(at("last_seen") == value{noon + days(10)});
  CHECK(at("attributes") == map_of({{"age", value{34}}, {"city", value{"Berlin"}}}));

  SECTION("counts: every event type, zeros too") {
    auto& counts = at("counts");
    REQUIRE(counts.as_map().size() == event_type_count);
    for (size_t t = 0; t < event_type_count; ++t)
      CHECK(counts.as_map()[t].first == to_string(static_cast<event_type>(t)));
    CHECK(*counts.find("view") == value{2});
    CHECK(*counts.find("purchase") == value{2});
    CHECK(*counts.find("refund") == value{0});
  }
  SECTION("windows: every window, every type") {
    auto& windows = at("windows");
    CHECK(keys_of(windows) == std::vector<std::string>{"1h", "24h", "7d", "30d"});
    for (auto& [name, counts] : windows.as_map())
      CHECK(counts.as_map().size() == event_type_count);
    CHECK(*windows.find("1h")->find("purchase") == value{1});
    CHECK(*windows.find("7d")->find("view") == value{0});
    CHECK(*windows.find("30d")->find("view") == value{2});
    CHECK(*windows.find("30d")->find("purchase") == value{2});
  }
  SECTION("sessions") {
    CHECK(at("sessions") ==
          map_of({{"count", value{2}}, {"avg_duration_s", value{60.0}}, {"avg_events", value{2.0}}}));
  }
  SECTION("affinity: shares by name, highest first") {
    auto& category = *at("affinity").find("category");
    CHECK(keys_of(at("affinity")) == std::vector<std::string>{"category", "brand"});
    REQUIRE(keys_of(category).size() == 2);
    double total = 0;
    for (auto& [name, share] : category.as_map())
      total += share.as_double();
    CHECK(total == Approx(1.0));
    // The purchase of hats is the newest and weighs 8.
    CHECK(keys_of(category) == std::vector<std::string>{"hats", "shoes"});
    CHECK(at("affinity").find("brand")->as_map().size() == 1);
    CHECK(at("affinity").find("brand")->find("acme")->as_double() == Approx(1.0));
  }
  SECTION("recent items: names, newest first") {
    CHECK(at("recent_items") == value{value::array{value{"i3"}, value{"i1"}, value{"i2"}}});
  }
  SECTION("rfm, purchase cycle and prices") {
    auto& rfm = at("rfm");
    CHECK(keys_of(rfm) ==
          std::vector<std::string>{"recency_days", "frequency", "monetary", "avg_order_value"});
    CHECK(rfm.find("recency_days")->as_double() == Approx(1.0 / 48));
    CHECK(*rfm.find("frequency") == value{2});
    CHECK(rfm.find("monetary")->as_double() == Approx(100));
    CHECK(rfm.find("avg_order_value")->as_double() == Approx(50));
    CHECK(at("purchase_cycle_days").as_double() == Approx(10 - 2.0 / (24 * 60)));
    CHECK(at("price").find("avg_viewed")->as_double() == Approx(40));
    CHECK(at("price").find("avg_purchased")->as_double() == Approx(30));
  }
  SECTION("risk, tags, cluster and predictions") {
    CHECK(at("risk") == map_of({{"score", value{0.0}}, {"flags", value{value::array{}}}}));
    CHECK(at("tags") == value{value::array{value{"active"}}});
    CHECK(at("cluster").is_nil());
    CHECK(keys_of(at("predict")) == std::vector<std::string>{"purchase_propensity", "churn_risk"});
    CHECK(at("predict").find("purchase_propensity")->is_nil());
    CHECK(at("predict").find("churn_risk")->as_double() < 0.001);
  }
}

TEST_CASE("tags, risk flags and windows follow now") {
  shard s;
  for (int i = 0; i < 30; ++i)
    apply_to(s.buyer, make_event("buyer", event_type::view, s.now + i * 1000, "i4"), s.symbols, s.cfg);
  s.now += 29000;
  auto map = s.render(s.buyer, {"risk", "tags", "windows"});
  CHECK(*map.find("risk")->find("flags") == value{value::array{value{"burst"}}});
  CHECK(map.find("risk")->find("score")->as_double() == Approx(s.cfg.risk.weight_burst));
  CHECK(*map.find("windows")->find("1h")->find("view") == value{30});
  // Forty days on: dormant, the burst forgotten, the windows empty.
  s.now += days(40);
  map = s.render(s.buyer, {"risk", "tags", "windows"});
  CHECK(*map.find("risk")->find("flags") == value{value::array{}});
  CHECK(*map.find("tags") == value{value::array{value{"dormant"}, value{"churn_risk"}}});
  CHECK(*map.find("windows")->find("30d")->find("view") == value{0});
}

TEST_CASE("segments render by name through the shard's directory, cluster and propensity when known") {
  shard s;
  segment_directory directory;
  directory.names = {"vip", "", "big_spenders"};
  s.buyer.segments.set(0, true);
  s.buyer.segments.set(2, true);
  CHECK(*s.render(s.buyer, {"segments"}, &directory).find("segments") ==
        value{value::array{value{"vip"}, value{"big_spenders"}}});
  // Without a directory no segment is known.
  CHECK(*s.render(s.buyer, {"segments"}).find("segments") == value{value::array{}});

  s.buyer.cluster = 4;
  CHECK(*s.render(s.buyer, {"cluster"}).find("cluster") == value{4});

  propensity_scorer untrained;
  read_context ctx{s.now, s.symbols, s.cfg};
  ctx.propensity = &untrained;
  auto map = render_profile(s.buyer, "buyer", ctx, {"predict"});
  CHECK(*map.find("predict")->find("purchase_propensity") == value{0.5});
}

TEST_CASE("a profile made by set_attributes alone has no times, zero counts and no tags") {
  shard s;
  profile p;
  REQUIRE(apply_attributes(p, map_of({{"plan", value{"gold"}}}), s.symbols, s.cfg.caps.attributes).ok());
  auto map = s.render(p);
  CHECK(map.find("first_seen")->is_nil());
  CHECK(map.find("last_seen")->is_nil());
  CHECK(*map.find("attributes") == map_of({{"plan", value{"gold"}}}));
  CHECK(*map.find("counts")->find("view") == value{0});
  CHECK(*map.find("tags") == value{value::array{}});
  CHECK(*map.find("recent_items") == value{value::array{}});
  CHECK(map.find("affinity")->find("category")->as_map().empty());
  CHECK(map.find("rfm")->find("recency_days")->is_nil());
  CHECK(map.find("rfm")->find("avg_order_value")->is_nil());
  CHECK(*map.find("rfm")->find("monetary") == value{0});
  CHECK(map.find("purchase_cycle_days")->is_nil());
  CHECK(map.find("price")->find("avg_viewed")->is_nil());
  CHECK(*map.find("predict")->find("churn_risk") == value{0.0});
}
