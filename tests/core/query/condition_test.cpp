#include <catch2/catch.hpp>

#include "core/query/condition.hpp"
#include "core/store/profile_store.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// Two users: "buyer" (purchases, an attribute, shoes affinity) and "viewer".
struct fixture {
  profile_store store;
  fixture() {
    std::vector<event> ev = {
        with_category(with_price(make_event("buyer", event_type::purchase, t0, "i1"), 120), {"shoes"}),
        with_category(make_event("buyer", event_type::view, t0 + 1, "i2"), {"hats"}),
        make_event("viewer", event_type::view, t0 + 2, "i3"),
    };
    store.apply(ev, std::vector<uint32_t>(ev.size()));
    store.set_attributes("buyer",
                         map_of({{"age", value{34}}, {"city", value{"Berlin"}}, {"vip", value{true}}}));
  }
  bool matches(const value& where, const std::string& user) {
    auto c = condition::compile(where, &store.symbols());
    REQUIRE(c.ok());
    read_context ctx{t0 + 10, store.symbols(), store.config()};
    return c->matches(*store.find(user), user, ctx);
  }
  condition compile(const value& where) {
    auto c = condition::compile(where, &store.symbols());
    REQUIRE(c.ok());
    return *c;
  }
  std::string error_of(const value& where) {
    auto c = condition::compile(where, &store.symbols());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code() == error_code::bad_request);
    return c.error().message();
  }
};

}  // namespace

TEST_CASE("comparisons on numbers, strings and booleans") {
  fixture f;
  CHECK(f.matches(field_cond("rfm.monetary", ">=", value{120}), "buyer"));
  CHECK_FALSE(f.matches(field_cond("rfm.monetary", ">", value{120}), "buyer"));
  CHECK(f.matches(field_cond("counts.purchase", "==", value{1}), "buyer"));
  CHECK(f.matches(field_cond("counts.purchase", "<", value{1}), "viewer"));
  CHECK(f.matches(field_cond("attributes.city", "==", value{"Berlin"}), "buyer"));
  CHECK(f.matches(field_cond("attributes.city", "<", value{"Zurich"}), "buyer"));
  CHECK(f.matches(field_cond("attributes.vip", "==", value{true}), "buyer"));
  CHECK(f.matches(field_cond("user", "==", value{"viewer"}), "viewer"));
  CHECK(f.matches(field_cond("windows.24h.view", "==", value{1}), "buyer"));
  CHECK(f.matches(field_cond("affinity.category.shoes", ">", value{0.5}), "buyer"));
}

TEST_CASE("a missing field is neither equal, unequal, less nor greater, only exists sees it") {
  fixture f;
  for (auto op : {"==", "!=", "<", "<=", ">", ">="})
    CHECK_FALSE(f.matches(field_cond("attributes.age", op, value{34}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("attributes.age", "in", value{value::array{value{34}}}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("attributes.age", "exists"), "viewer"));
  CHECK(f.matches(field_cond("attributes.age", "exists"), "buyer"));
  CHECK_FALSE(f.matches(field_cond("rfm.recency_days", "exists"), "viewer"));
  CHECK_FALSE(f.matches(field_cond("affinity.category.shoes", ">=", value{0}), "viewer"));
  // `not` is logical: it does see through a missing field.
  CHECK(f.matches(combine("not", {field_cond("attributes.age", "==", value{34})}), "viewer"));
}

TEST_CASE("in, and, or and not combine") {
  fixture f;
  value cities{value::array{value{"Paris"}, value{"Berlin"}}};
  CHECK(f.matches(field_cond("attributes.city", "in", cities), "buyer"));
  CHECK_FALSE(f.matches(field_cond("attributes.city", "in", value{value::array{value{"Rome"}}}), "buyer"));
  auto both = combine(
      "and", {field_cond("counts.view", ">=", value{1}), field_cond("counts.purchase", ">=", value{1})});
  CHECK(f.matches(both, "buyer"));
  CHECK_FALSE(f.matches(both, "viewer"));
  auto either = combine(
      "or", {field_cond("counts.purchase", ">=", value{1}), field_cond("user", "==", value{"viewer"})});
  CHECK(f.matches(either, "viewer"));
  CHECK(f.matches(combine("not", {both}), "viewer"));
}

TEST_CASE("list fields: == means contains, in means contains any") {
  fixture f;
  CHECK(f.matches(field_cond("recent_items", "==", value{"i2"}), "buyer"));
  CHECK(f.matches(field_cond("recent_items", "!=", value{"i3"}), "buyer"));
  CHECK(f.matches(field_cond("tags", "in", value{value::array{value{"dormant"}, value{"new"}}}), "viewer"));
  CHECK(f.matches(map_of({{"tag", value{"active"}}}), "viewer"));
  CHECK_FALSE(f.matches(map_of({{"tag", value{"high_value"}}}), "buyer"));
}

TEST_CASE("bad conditions name the bad part") {
  fixture f;
  CHECK(f.error_of(field_cond("rfm.money", ">", value{1})).find("rfm.money") != std::string::npos);
  CHECK(f.error_of(field_cond("rfm.monetary", "~", value{1})).find("where.op") != std::string::npos);
  CHECK(f.error_of(field_cond("rfm.monetary", ">")).find("where.value") != std::string::npos);
  CHECK(f.error_of(combine("and", {field_cond("counts.view", ">", value{1}),
                                   field_cond("counts.bogus", ">", value{1})}))
            .find("where.and[1].field") != std::string::npos);
  CHECK(f.error_of(field_cond("tags", ">", value{"new"})).find("list") != std::string::npos);
  CHECK(f.error_of(map_of({{"tag", value{"vip"}}})).find("where.tag") != std::string::npos);
  CHECK(f.error_of(map_of({{"segment", value{"x"}}})).find("define_segment") != std::string::npos);
  CHECK(f.error_of(value{"rfm"}).find("where") != std::string::npos);
  CHECK(f.error_of(map_of({{"and", value{value::array{}}}})).find("where.and") != std::string::npos);
  CHECK(f.error_of(field_cond("attributes.city", "in", value{"Berlin"})).find("array") != std::string::npos);
}

namespace {

uint32_t bit(event_type t) {
  return 1u << static_cast<unsigned>(t);
}

profile_change change_of(event_type t, uint32_t categories = 0, uint32_t brands = 0) {
  return profile_change{bit(t), categories, brands};
}

}  // namespace

TEST_CASE("which changes can turn a condition over: lifetime counters move one way") {
  fixture f;
  auto at_least = f.compile(field_cond("counts.view", ">=", value{5}));
  CHECK(at_least.can_rise(change_of(event_type::view)));
  CHECK_FALSE(at_least.can_fall(change_of(event_type::view)));
  CHECK_FALSE(at_least.can_rise(change_of(event_type::click)));

  auto below = f.compile(field_cond("counts.view", "<", value{5}));
  CHECK_FALSE(below.can_rise(change_of(event_type::view)));
  CHECK(below.can_fall(change_of(event_type::view)));

  auto spent = f.compile(field_cond("rfm.monetary", ">=", value{100.0}));
  CHECK(spent.can_rise(change_of(event_type::purchase)));
  CHECK_FALSE(spent.can_fall(change_of(event_type::purchase)));
  CHECK(spent.can_fall(change_of(event_type::refund)));
  CHECK_FALSE(spent.can_rise(change_of(event_type::refund)));

  auto orders = f.compile(field_cond("rfm.frequency", ">", value{2}));
  CHECK(orders.can_rise(change_of(event_type::purchase)));
  CHECK_FALSE(orders.can_fall(change_of(event_type::refund)));

  // `not` swaps the directions; `and` and `or` turn over when a child does.
  auto not_spent = f.compile(combine("not", {field_cond("rfm.monetary", ">=", value{100.0})}));
  CHECK(not_spent.can_rise(change_of(event_type::refund)));
  CHECK_FALSE(not_spent.can_rise(change_of(event_type::purchase)));
  auto both = f.compile(combine(
      "and", {field_cond("counts.view", ">=", value{5}), field_cond("counts.purchase", "<", value{1})}));
  CHECK(both.can_rise(change_of(event_type::view)));
  CHECK_FALSE(both.can_fall(change_of(event_type::view)));
  CHECK(both.can_fall(change_of(event_type::purchase)));

  // Equality and time-dependent fields turn over either way.
  auto exactly = f.compile(field_cond("counts.view", "==", value{5}));
  CHECK(exactly.can_rise(change_of(event_type::view)));
  CHECK(exactly.can_fall(change_of(event_type::view)));
  auto recent = f.compile(field_cond("windows.24h.view", ">=", value{3}));
  CHECK(recent.can_fall(change_of(event_type::view)));
  CHECK_FALSE(recent.can_fall(change_of(event_type::click)));
  // Everything (attributes, a merge) can turn anything over.
  CHECK(at_least.can_fall(profile_change::everything()));
}

TEST_CASE("which changes can turn a condition over: an affinity share grows only with its own key") {
  fixture f;
  auto shoes = f.store.symbols().find("shoes");
  auto hats = f.store.symbols().find("hats");
  REQUIRE(shoes != symbol_table::missing);
  REQUIRE(hats != symbol_table::missing);
  REQUIRE(symbol_bit(shoes) != symbol_bit(hats));
  auto c = condition::compile(field_cond("affinity.category.shoes", ">=", value{0.3}), &f.store.symbols());
  REQUIRE(c.ok());
  CHECK(c->can_rise(change_of(event_type::view, symbol_bit(shoes))));
  CHECK_FALSE(c->can_rise(change_of(event_type::view, symbol_bit(hats))));
  CHECK_FALSE(c->can_rise(change_of(event_type::view)));
  CHECK(c->can_fall(change_of(event_type::view, symbol_bit(hats))));
  // More keys than a condition keeps inline: the rest still fire.
  std::vector<value> any_of;
  std::vector<symbol> keys;
  for (int i = 0; i < 8; ++i) {
    auto name = "k" + std::to_string(i);
    f.store.apply({with_category(make_event("viewer", event_type::view, t0 + 3 + i, "i9"), {name})},
                  std::vector<uint32_t>(1));
    keys.push_back(f.store.symbols().find(name));
    any_of.push_back(field_cond("affinity.category." + name, ">=", value{0.5}));
  }
  auto wide = condition::compile(combine("or", any_of), &f.store.symbols());
  REQUIRE(wide.ok());
  for (auto k : keys)
    CHECK(wide->can_rise(change_of(event_type::view, symbol_bit(k))));
  // Below a share: absent-then-present breaks the order, so either way.
  auto low = condition::compile(field_cond("affinity.category.shoes", "<", value{0.3}), &f.store.symbols());
  REQUIRE(low.ok());
  CHECK(low->can_rise(change_of(event_type::view, symbol_bit(hats))));
  CHECK(low->can_fall(change_of(event_type::view, symbol_bit(hats))));
}

TEST_CASE("a lone comparison of a lifetime count, tested without the tree, answers as the tree does") {
  fixture f;  // "viewer" has one view
  CHECK(f.matches(field_cond("counts.view", "==", value{1}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("counts.view", "!=", value{1}), "viewer"));
  CHECK(f.matches(field_cond("counts.view", "<", value{2}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("counts.view", "<", value{1}), "viewer"));
  CHECK(f.matches(field_cond("counts.view", "<=", value{1}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("counts.view", ">", value{1}), "viewer"));
  CHECK(f.matches(field_cond("counts.view", ">=", value{1}), "viewer"));
  CHECK(f.matches(field_cond("counts.purchase", "==", value{0}), "viewer"));
  // Not a number: never equal, so `!=` holds (the tree decides).
  CHECK(f.matches(field_cond("counts.view", "!=", value{"one"}), "viewer"));
  CHECK_FALSE(f.matches(field_cond("counts.view", "==", value{"one"}), "viewer"));
  // The same comparison inside an `and` goes through the tree: same answers.
  for (const char* op : {"==", "!=", "<", "<=", ">", ">="})
    for (int n = 0; n < 3; ++n) {
      auto lone = field_cond("counts.view", op, value{n});
      INFO(op << " " << n);
      CHECK(f.matches(lone, "viewer") == f.matches(combine("and", {lone}), "viewer"));
    }
}

TEST_CASE("which way time alone turns a condition") {
  fixture f;
  auto recent = f.compile(field_cond("windows.24h.view", ">=", value{3}));
  CHECK(recent.time_can_fall());
  CHECK_FALSE(recent.time_can_rise());
  auto quiet = f.compile(field_cond("windows.24h.view", "<", value{3}));
  CHECK(quiet.time_can_rise());
  CHECK_FALSE(quiet.time_can_fall());
  auto lapsed = f.compile(field_cond("rfm.recency_days", ">", value{30}));
  CHECK(lapsed.time_can_rise());
  CHECK_FALSE(lapsed.time_can_fall());
  auto dormant = f.compile(map_of({{"tag", value{"dormant"}}}));
  CHECK(dormant.time_can_rise());
  CHECK_FALSE(dormant.time_can_fall());
  auto awake = f.compile(combine("not", {map_of({{"tag", value{"dormant"}}})}));
  CHECK(awake.time_can_fall());
  CHECK_FALSE(awake.time_can_rise());
  auto both = f.compile(map_of({{"tag", value{"window_shopper"}}}));
  CHECK((both.time_can_rise() && both.time_can_fall()));
  auto timeless = f.compile(
      combine("and", {field_cond("counts.view", ">=", value{3}), map_of({{"tag", value{"loyal"}}})}));
  CHECK_FALSE(timeless.time_can_rise());
  CHECK_FALSE(timeless.time_can_fall());
  auto mixed = f.compile(combine("or", {field_cond("windows.1h.click", ">=", value{1}),
                                        field_cond("rfm.recency_days", ">=", value{7})}));
  CHECK((mixed.time_can_rise() && mixed.time_can_fall()));
}
