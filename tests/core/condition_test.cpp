#include <catch2/catch.hpp>

#include "core/condition.hpp"
#include "core/profile_store.hpp"
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
