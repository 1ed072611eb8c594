#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/model/propensity_model.hpp"
#include "core/profile/attributes.hpp"
#include "core/query/field_path.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Noon UTC: purchases then are not night purchases.
constexpr int64_t noon = t0 + 12 * ms_per_hour;

field_ref parsed(const std::string& path) {
  auto ref = parse_field_path(path);
  REQUIRE(ref.ok());
  return *ref;
}

/// The message of the error parsing `path` gives; checks it is a bad_request.
std::string error_of(const std::string& path) {
  auto ref = parse_field_path(path);
  REQUIRE_FALSE(ref.ok());
  CHECK(ref.error().code() == error_code::bad_request);
  return ref.error().message();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// One shard's symbols and two of its profiles: "buyer" (views with prices,
/// two purchases ten days apart, attributes) and "fresh" (no events).
struct shard {
  symbol_table symbols;
  profile_config cfg;
  profile buyer;
  profile fresh;
  /// Half an hour after the buyer's second purchase.
  int64_t now = noon + days(10) + minutes(30);

  shard() {
    auto feed = [&](event e) { apply_to(buyer, e, symbols, cfg); };
    feed(with_category(with_price(make_event("buyer", event_type::view, noon, "i1"), 50), {"shoes"}));
    feed(with_category(with_price(make_event("buyer", event_type::view, noon + minutes(1), "i2"), 30),
                       {"hats"}));
    feed(with_category(with_price(make_event("buyer", event_type::purchase, noon + minutes(2), "i1"), 40, 2),
                       {"shoes"}));
    feed(with_category(with_price(make_event("buyer", event_type::purchase, noon + days(10), "i3"), 20),
                       {"hats"}));
    auto attrs = map_of({{"age", value{34}}, {"city", value{"Berlin"}}, {"vip", value{true}}});
    REQUIRE(validate_attributes(attrs, cfg.caps.attributes).ok());
    REQUIRE(apply_attributes(buyer, attrs, symbols, cfg.caps.attributes).ok());
  }

  field_ref bound(const std::string& path) {
    auto ref = parsed(path);
    bind_field(ref, symbols);
    return ref;
  }
  field_value read(const profile& p, const std::string& path, int64_t at) {
    read_context ctx{at, symbols, cfg};
    return read_field(p, "buyer", bound(path), ctx);
  }
  field_value read(const profile& p, const std::string& path) { return read(p, path, now); }
  double number(const profile& p, const std::string& path, int64_t at) {
    auto v = read(p, path, at);
    REQUIRE(v.type == field_value::kind::number);
    return v.number;
  }
  double number(const profile& p, const std::string& path) { return number(p, path, now); }
  bool missing(const profile& p, const std::string& path) {
    return read(p, path).type == field_value::kind::missing;
  }
  bool contains(const profile& p, const std::string& path, const std::string& item,
                const segment_directory* segments = nullptr) {
    read_context ctx{now, symbols, cfg, segments};
    return list_contains(p, bound(path), item, ctx);
  }
};

}  // namespace

TEST_CASE("every documented field path resolves to its kind and keeps the path as written") {
  const std::pair<const char*, field_kind> simple[] = {
      {"user", field_kind::user},
      {"first_seen", field_kind::first_seen},
      {"last_seen", field_kind::last_seen},
      {"sessions.count", field_kind::sessions_count},
      {"sessions.avg_duration_s", field_kind::sessions_avg_duration_s},
      {"sessions.avg_events", field_kind::sessions_avg_events},
      {"recent_items", field_kind::recent_items},
      {"rfm.recency_days", field_kind::rfm_recency_days},
      {"rfm.frequency", field_kind::rfm_frequency},
      {"rfm.monetary", field_kind::rfm_monetary},
      {"rfm.avg_order_value", field_kind::rfm_avg_order_value},
      {"purchase_cycle_days", field_kind::purchase_cycle_days},
      {"price.avg_viewed", field_kind::price_avg_viewed},
      {"price.avg_purchased", field_kind::price_avg_purchased},
      {"risk.score", field_kind::risk_score},
      {"risk.flags", field_kind::risk_flags},
      {"tags", field_kind::tags},
      {"segments", field_kind::segments},
      {"cluster", field_kind::cluster},
      {"predict.purchase_propensity", field_kind::predict_purchase_propensity},
      {"predict.churn_risk", field_kind::predict_churn_risk},
  };
  for (auto& [path, kind] : simple) {
    auto ref = parsed(path);
    CHECK(ref.kind == kind);
    CHECK(ref.path == path);
    CHECK(ref.name.empty());
    CHECK(ref.bound == symbol_table::missing);
  }

  SECTION("counts.TYPE for each event type") {
    for (size_t t = 0; t < event_type_count; ++t) {
      auto type = static_cast<event_type>(t);
      auto ref = parsed(std::string("counts.") + to_string(type));
      CHECK(ref.kind == field_kind::count);
      CHECK(ref.type_index == t);
    }
  }
  SECTION("windows.WINDOW.TYPE for each window") {
    const char* windows[] = {"1h", "24h", "7d", "30d"};
    for (size_t w = 0; w < time_window_count; ++w) {
      auto ref = parsed(std::string("windows.") + windows[w] + ".add_to_cart");
      CHECK(ref.kind == field_kind::window);
      CHECK(ref.window_index == w);
      CHECK(ref.type_index == static_cast<uint8_t>(event_type::add_to_cart));
    }
  }
  SECTION("affinity and attribute paths carry their name") {
    auto shoes = parsed("affinity.category.shoes");
    CHECK(shoes.kind == field_kind::category_affinity);
    CHECK(shoes.name == "shoes");
    auto acme = parsed("affinity.brand.acme");
    CHECK(acme.kind == field_kind::brand_affinity);
    CHECK(acme.name == "acme");
    auto age = parsed("attributes.age");
    CHECK(age.kind == field_kind::attribute);
    CHECK(age.name == "age");
    CHECK(age.path == "attributes.age");
  }
}

TEST_CASE("a name after affinity or attributes may itself contain dots") {
  auto cat = parsed("affinity.category.home.kitchen.knives");
  CHECK(cat.kind == field_kind::category_affinity);
  CHECK(cat.name == "home.kitchen.knives");
  auto attr = parsed("attributes.address.city");
  CHECK(attr.kind == field_kind::attribute);
  CHECK(attr.name == "address.city");
  CHECK(parsed("attributes.v1.").name == "v1.");
}

TEST_CASE("only the list fields are lists") {
  for (auto path : {"recent_items", "risk.flags", "tags", "segments"})
    CHECK(parsed(path).is_list());
  for (auto path : {"user", "counts.view", "windows.7d.view", "affinity.category.shoes", "attributes.tags",
                    "risk.score", "cluster", "predict.churn_risk"})
    CHECK_FALSE(parsed(path).is_list());
}

TEST_CASE("an unknown path is a bad request naming the path and the form to use") {
  SECTION("counts") {
    for (auto path : {"counts", "counts.bogus", "counts.view.extra", "counts.invalid", "counts."})
      CHECK(mentions(error_of(path), std::string("'") + path + "'"));
    CHECK(mentions(error_of("counts.bogus"), "counts.TYPE"));
  }
  SECTION("windows") {
    for (auto path : {"windows", "windows.7d", "windows.2d.view", "windows.7d.bogus", "windows.7d.view.x",
                      "windows.7D.view"}) {
      auto message = error_of(path);
      CHECK(mentions(message, std::string("'") + path + "'"));
      CHECK(mentions(message, "windows.WINDOW.TYPE"));
    }
  }
  SECTION("affinity") {
    for (auto path : {"affinity", "affinity.category", "affinity.color.red", "affinity.brand"}) {
      auto message = error_of(path);
      CHECK(mentions(message, std::string("'") + path + "'"));
      CHECK(mentions(message, "affinity.category.NAME"));
    }
  }
  SECTION("attributes") {
    for (auto path : {"attributes", "attributes."}) {
      auto message = error_of(path);
      CHECK(mentions(message, std::string("'") + path + "'"));
      CHECK(mentions(message, "attributes.NAME"));
    }
  }
  SECTION("anything else") {
    for (auto path : {"", "rfm", "rfm.money", "rfm.monetary.x", "RFM.monetary", "sessions", "risk", "predict",
                      "user.name", ".user", "tag"}) {
      auto message = error_of(path);
      CHECK(mentions(message, std::string("'") + path + "'"));
      CHECK(mentions(message, "rfm.monetary"));
    }
  }
}

TEST_CASE("binding resolves a path's name to the symbol of the evaluating shard") {
  symbol_table here, there;
  here.intern("shoes");
  there.intern("hats");
  there.intern("age");
  there.intern("shoes");
  auto ref = parsed("affinity.category.shoes");
  CHECK(ref.bound == symbol_table::missing);  // unbound until bound
  bind_field(ref, here);
  CHECK(ref.bound == 0);
  bind_field(ref, there);
  CHECK(ref.bound == 2);
  auto age = parsed("attributes.age");
  bind_field(age, there);
  CHECK(age.bound == 1);
  // A name the shard has never seen binds to missing.
  bind_field(age, here);
  CHECK(age.bound == symbol_table::missing);
  // A path without a name stays as it was, and binding interns nothing.
  auto monetary = parsed("rfm.monetary");
  bind_field(monetary, here);
  CHECK(monetary.bound == symbol_table::missing);
  CHECK(here.size() == 1);
}

TEST_CASE("scalar fields read what the profile holds at now") {
  shard s;
  auto& p = s.buyer;
  auto user = s.read(p, "user");
  REQUIRE(user.type == field_value::kind::text);
  CHECK(user.text == "buyer");
  CHECK(s.number(p, "first_seen") == noon);
  CHECK(s.number(p, "last_seen") == noon + days(10));

  SECTION("lifetime counts and windows") {
    CHECK(s.number(p, "counts.view") == 2);
    CHECK(s.number(p, "counts.purchase") == 2);
    CHECK(s.number(p, "counts.click") == 0);
    CHECK(s.number(p, "windows.1h.purchase") == 1);
    CHECK(s.number(p, "windows.24h.purchase") == 1);
    CHECK(s.number(p, "windows.30d.purchase") == 2);
    CHECK(s.number(p, "windows.7d.view") == 0);
    CHECK(s.number(p, "windows.30d.view") == 2);
    // Windows follow now: an hour later the purchase has left the 1h window.
    CHECK(s.number(p, "windows.1h.purchase", s.now + hours(1)) == 0);
    CHECK(s.number(p, "windows.24h.purchase", s.now + hours(1)) == 1);
  }
  SECTION("sessions") {
    // Three events in two minutes, then one ten days later.
    CHECK(s.number(p, "sessions.count") == 2);
    CHECK(s.number(p, "sessions.avg_events") == 2);
    CHECK(s.number(p, "sessions.avg_duration_s") == Approx(60));
  }
  SECTION("purchases and prices") {
    CHECK(s.number(p, "rfm.recency_days") == Approx(1.0 / 48));
    CHECK(s.number(p, "rfm.recency_days", noon + days(13)) == Approx(3));
    CHECK(s.number(p, "rfm.frequency") == 2);
    CHECK(s.number(p, "rfm.monetary") == Approx(2 * 40 + 20));
    CHECK(s.number(p, "rfm.avg_order_value") == Approx(50));
    CHECK(s.number(p, "purchase_cycle_days") == Approx(10 - 2.0 / (24 * 60)));
    CHECK(s.number(p, "price.avg_viewed") == Approx(40));
    CHECK(s.number(p, "price.avg_purchased") == Approx(30));
  }
  SECTION("attributes by their type") {
    CHECK(s.number(p, "attributes.age") == 34);
    auto city = s.read(p, "attributes.city");
    REQUIRE(city.type == field_value::kind::text);
    CHECK(city.text == "Berlin");
    auto vip = s.read(p, "attributes.vip");
    REQUIRE(vip.type == field_value::kind::boolean);
    CHECK(vip.flag);
    CHECK(s.missing(p, "attributes.height"));
    // A name the shard knows, but not one of this profile's attributes.
    CHECK(s.missing(s.fresh, "attributes.age"));
  }
  SECTION("risk, cluster and predictions") {
    CHECK(s.number(p, "risk.score") == 0);
    CHECK(s.missing(p, "cluster"));
    p.cluster = 3;
    CHECK(s.number(p, "cluster") == 3);
    // Churn risk is 0.5 at two purchase cycles since the last purchase.
    int64_t two_cycles = noon + days(10) + 2 * (days(10) - minutes(2));
    CHECK(s.number(p, "predict.churn_risk", two_cycles) == Approx(0.5));
    CHECK(s.number(p, "predict.churn_risk") < 0.001);
  }
}

TEST_CASE("fields a profile does not have read as missing, counts as zero") {
  shard s;
  auto& p = s.fresh;
  for (auto path :
       {"first_seen", "last_seen", "rfm.recency_days", "rfm.avg_order_value", "purchase_cycle_days",
        "price.avg_viewed", "price.avg_purchased", "cluster", "affinity.category.shoes",
        "affinity.brand.acme", "attributes.city", "predict.purchase_propensity"})
    CHECK(s.missing(p, path));
  for (auto path :
       {"counts.view", "windows.24h.view", "sessions.count", "sessions.avg_duration_s", "sessions.avg_events",
        "rfm.frequency", "rfm.monetary", "risk.score", "predict.churn_risk"})
    CHECK(s.number(p, path) == 0);
  // One purchase: a price, but no cycle yet.
  profile once;
  apply_to(once, with_price(make_event("u", event_type::purchase, noon, "i1"), 10), s.symbols, s.cfg);
  CHECK(s.missing(once, "purchase_cycle_days"));
  CHECK(s.missing(once, "price.avg_viewed"));
  CHECK(s.number(once, "price.avg_purchased") == 10);
}

TEST_CASE("list fields read as missing: they are asked with list_contains") {
  shard s;
  for (auto path : {"recent_items", "tags", "risk.flags", "segments"})
    CHECK(s.missing(s.buyer, path));
}

TEST_CASE("an affinity reads as the name's share of its table") {
  shard s;
  profile p;
  auto feed = [&](event e) { apply_to(p, e, s.symbols, s.cfg); };
  // At one moment: shoes 1 + 4, hats 2; brands zeta 1, acme 2.
  feed(with_brand(with_category(make_event("u", event_type::view, noon, "i1"), {"shoes"}), "zeta"));
  feed(with_category(make_event("u", event_type::add_to_cart, noon, "i1"), {"shoes"}));
  feed(with_brand(with_category(make_event("u", event_type::click, noon, "i2"), {"hats"}), "acme"));
  s.symbols.intern("socks");
  CHECK(s.number(p, "affinity.category.shoes") == Approx(5.0 / 7));
  CHECK(s.number(p, "affinity.category.hats") == Approx(2.0 / 7));
  CHECK(s.number(p, "affinity.brand.zeta") == Approx(1.0 / 3));
  CHECK(s.number(p, "affinity.brand.acme") == Approx(2.0 / 3));
  // A share, not a score: the same a week later.
  CHECK(s.number(p, "affinity.category.shoes", noon + days(7)) == Approx(5.0 / 7));
  // Known names the table does not hold, and unknown names, are missing.
  CHECK(s.missing(p, "affinity.category.socks"));
  CHECK(s.missing(p, "affinity.brand.shoes"));
  CHECK(s.missing(p, "affinity.category.gloves"));
  // An unbound path reads as missing although the shard knows the name.
  read_context ctx{s.now, s.symbols, s.cfg};
  CHECK(read_field(p, "u", parsed("affinity.category.shoes"), ctx).type == field_value::kind::missing);
}

TEST_CASE("one read context serves several profiles' affinities, each read against its own total") {
  shard s;
  profile a, b;
  apply_to(a, with_brand(with_category(make_event("a", event_type::view, noon, "i1"), {"shoes"}), "acme"),
           s.symbols, s.cfg);
  apply_to(a, with_category(make_event("a", event_type::click, noon, "i2"), {"hats"}), s.symbols, s.cfg);
  apply_to(b, with_category(make_event("b", event_type::view, noon, "i1"), {"shoes"}), s.symbols, s.cfg);
  auto shoes = s.bound("affinity.category.shoes");
  auto hats = s.bound("affinity.category.hats");
  auto acme = s.bound("affinity.brand.acme");
  read_context ctx{s.now, s.symbols, s.cfg};
  CHECK(read_field(a, "a", shoes, ctx).number == Approx(1.0 / 3));
  CHECK(read_field(a, "a", hats, ctx).number == Approx(2.0 / 3));
  CHECK(read_field(b, "b", shoes, ctx).number == Approx(1.0));
  CHECK(read_field(a, "a", acme, ctx).number == Approx(1.0));
  CHECK(read_field(a, "a", hats, ctx).number == Approx(2.0 / 3));
  CHECK(read_field(b, "b", hats, ctx).type == field_value::kind::missing);
  CHECK(read_field(b, "b", shoes, ctx).number == Approx(1.0));
}

TEST_CASE("the purchase propensity reads the profile through the node's model, missing without one") {
  shard s;
  CHECK(s.missing(s.buyer, "predict.purchase_propensity"));
  auto ref = s.bound("predict.purchase_propensity");

  propensity_scorer untrained;
  read_context ctx{s.now, s.symbols, s.cfg};
  ctx.propensity = &untrained;
  auto v = read_field(s.buyer, "buyer", ref, ctx);
  REQUIRE(v.type == field_value::kind::number);
  CHECK(v.number == 0.5);

  // A model that reads only has_purchased (feature 10), with weight 2.
  propensity_scorer scorer;
  scorer.pairwise = false;
  scorer.inv_sd[10] = 1;
  scorer.weights.assign(propensity_feature_count + 1, 0.0);
  scorer.weights[10] = 2;
  ctx.propensity = &scorer;
  CHECK(read_field(s.buyer, "buyer", ref, ctx).number == Approx(1 / (1 + std::exp(-2.0))));
  profile viewer;
  apply_to(viewer, make_event("v", event_type::view, noon, "i1"), s.symbols, s.cfg);
  CHECK(read_field(viewer, "v", ref, ctx).number == Approx(0.5));
}

TEST_CASE("list_contains: recent items by name, tags and risk flags at now, segments by name") {
  shard s;
  auto& p = s.buyer;

  SECTION("recent items") {
    CHECK(s.contains(p, "recent_items", "i1"));
    CHECK(s.contains(p, "recent_items", "i2"));
    CHECK(s.contains(p, "recent_items", "i3"));
    CHECK_FALSE(s.contains(p, "recent_items", "i9"));     // unknown to the shard
    CHECK_FALSE(s.contains(p, "recent_items", "shoes"));  // a symbol, not an item of this profile
    CHECK_FALSE(s.contains(s.fresh, "recent_items", "i1"));
    CHECK(s.symbols.find("i9") == symbol_table::missing);  // asking interned nothing
  }
  SECTION("tags") {
    CHECK(s.contains(p, "tags", "active"));
    CHECK_FALSE(s.contains(p, "tags", "new"));  // first seen ten days ago
    CHECK_FALSE(s.contains(p, "tags", "dormant"));
    CHECK_FALSE(s.contains(p, "tags", "vip"));  // no such tag
    CHECK_FALSE(s.contains(s.fresh, "tags", "new"));
    read_context later{noon + days(45), s.symbols, s.cfg};
    CHECK(list_contains(p, s.bound("tags"), "dormant", later));
    CHECK_FALSE(list_contains(p, s.bound("tags"), "active", later));
  }
  SECTION("risk flags") {
    profile bursty;
    for (int i = 0; i < 30; ++i)
      apply_to(bursty, make_event("b", event_type::view, noon + i * 1000, "i1"), s.symbols, s.cfg);
    s.now = noon + 30000;
    CHECK(s.contains(bursty, "risk.flags", "burst"));
    CHECK_FALSE(s.contains(bursty, "risk.flags", "new_device"));
    CHECK_FALSE(s.contains(bursty, "risk.flags", "bursts"));
    CHECK(s.number(bursty, "risk.score") == Approx(s.cfg.risk.weight_burst));
    CHECK_FALSE(s.contains(p, "risk.flags", "burst"));
    // The flag lasts a day after the event that raised it.
    s.now = noon + 29000 + days(1) + 1;
    CHECK_FALSE(s.contains(bursty, "risk.flags", "burst"));
  }
  SECTION("segments") {
    segment_directory directory;
    directory.names = {"vip", "", "big_spenders"};
    p.segments.set(2, true);
    CHECK(s.contains(p, "segments", "big_spenders", &directory));
    CHECK_FALSE(s.contains(p, "segments", "vip", &directory));
    CHECK_FALSE(s.contains(p, "segments", "", &directory));  // a free id has no name
    CHECK_FALSE(s.contains(p, "segments", "unknown", &directory));
    CHECK_FALSE(s.contains(p, "segments", "big_spenders"));  // no directory: no segments known
  }
  SECTION("a scalar field contains nothing") {
    CHECK_FALSE(s.contains(p, "rfm.monetary", "100"));
    CHECK_FALSE(s.contains(p, "user", "buyer"));
  }
}
