#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/query/user_likeness.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

using shares = std::vector<std::pair<std::string, double>>;

/// A profile that viewed each (item, category) at t0, brand `brand` if given.
profile viewer_of(std::vector<std::pair<std::string, std::string>> views, symbol_table& symbols,
                  const std::string& brand = "") {
  profile p;
  for (auto& [item, category] : views) {
    auto e = with_category(make_event("u", event_type::view, t0, item), {category});
    if (!brand.empty())
      e = with_brand(e, brand);
    apply_to(p, e, symbols);
  }
  return p;
}

}  // namespace

TEST_CASE("a likeness holds a profile's shares and recent items by name") {
  symbol_table symbols;
  profile p;
  apply_to(p, with_brand(with_category(make_event("u", event_type::view, t0, "i1"), {"shoes"}), "acme"),
           symbols);
  apply_to(p, with_category(make_event("u", event_type::add_to_cart, t0, "i2"), {"hats"}), symbols);
  apply_to(p, make_event("u", event_type::click, t0 + 1000, "i3"), symbols);
  auto l = likeness_of(p, symbols);
  REQUIRE(l.categories.size() == 2);
  // Highest share first: hats 4, shoes 1.
  CHECK(l.categories[0].first == "hats");
  CHECK(l.categories[0].second == Approx(0.8));
  CHECK(l.categories[1].first == "shoes");
  CHECK(l.categories[1].second == Approx(0.2));
  CHECK(l.brands == shares{{"acme", 1.0}});
  CHECK(l.items == std::vector<std::string>{"i3", "i2", "i1"});

  auto none = likeness_of(profile{}, symbols);
  CHECK(none.categories.empty());
  CHECK(none.brands.empty());
  CHECK(none.items.empty());
}

TEST_CASE("a likeness travels as a value and back") {
  user_likeness l;
  l.categories = {{"hats", 0.75}, {"shoes", 0.25}};
  l.brands = {{"acme", 1.0}};
  l.items = {"i3", "i1"};
  auto v = to_value(l);
  CHECK(v == map_of({{"categories", map_of({{"hats", value{0.75}}, {"shoes", value{0.25}}})},
                     {"brands", map_of({{"acme", value{1.0}}})},
                     {"items", value{value::array{value{"i3"}, value{"i1"}}}}}));
  user_likeness back;
  REQUIRE(from_value(v, back));
  CHECK(back.categories == l.categories);
  CHECK(back.brands == l.brands);
  CHECK(back.items == l.items);

  // Integers are shares too.
  user_likeness whole;
  REQUIRE(from_value(map_of({{"categories", map_of({{"hats", value{1}}})},
                             {"brands", value{value::map{}}},
                             {"items", value{value::array{}}}}),
                     whole));
  CHECK(whole.categories == shares{{"hats", 1.0}});
}

TEST_CASE("a value of another shape is not a likeness") {
  const value base = map_of({{"categories", map_of({{"hats", value{0.5}}})},
                             {"brands", value{value::map{}}},
                             {"items", value{value::array{value{"i1"}}}}});
  user_likeness out;
  REQUIRE(from_value(base, out));
  auto without = [&](const std::string& key) {
    value v{value::map{}};
    for (auto& [k, member] : base.as_map())
      if (k != key)
        v.set(k, member);
    return v;
  };
  auto replaced = [&](const std::string& key, value x) {
    value v{value::map{}};
    for (auto& [k, member] : base.as_map())
      v.set(k, k == key ? x : member);
    return v;
  };
  CHECK_FALSE(from_value(value{"hats"}, out));
  CHECK_FALSE(from_value(value{value::array{}}, out));
  for (auto key : {"categories", "brands", "items"})
    CHECK_FALSE(from_value(without(key), out));
  CHECK_FALSE(from_value(replaced("categories", value{value::array{}}), out));
  CHECK_FALSE(from_value(replaced("categories", map_of({{"hats", value{"half"}}})), out));
  CHECK_FALSE(from_value(replaced("brands", map_of({{"acme", value{true}}})), out));
  CHECK_FALSE(from_value(replaced("items", value{"i1"}), out));
  CHECK_FALSE(from_value(replaced("items", value{value::array{value{"i1"}, value{7}}}), out));
}

TEST_CASE("likeness is the cosine of the two users' vectors") {
  symbol_table symbols;
  auto one = viewer_of({{"i1", "shoes"}}, symbols);
  auto two = viewer_of({{"i1", "shoes"}, {"i2", "hats"}}, symbols);
  auto other = viewer_of({{"i9", "gloves"}}, symbols);

  likeness_scorer like_one(likeness_of(one, symbols), symbols);
  CHECK_FALSE(like_one.hopeless());
  CHECK(like_one.score(one) == Approx(1.0));
  // (shoes 1, i1 1) against (shoes 1/2, hats 1/2, i1 1/2, i2 1/2): 1 / sqrt 2.
  CHECK(like_one.score(two) == Approx(1 / std::sqrt(2.0)));
  CHECK(like_one.score(other) == 0);
  CHECK(like_one.score(profile{}) == 0);
  // The same both ways.
  likeness_scorer like_two(likeness_of(two, symbols), symbols);
  CHECK(like_two.score(one) == Approx(like_one.score(two)));
  CHECK(like_two.score(two) == Approx(1.0));

  // Brands are a third part of the vector.
  auto branded = viewer_of({{"i1", "shoes"}}, symbols, "acme");
  likeness_scorer like_branded(likeness_of(branded, symbols), symbols);
  CHECK(like_branded.score(branded) == Approx(1.0));
  // (shoes 1, acme 1, i1 1) against (shoes 1, i1 1): 2 / (sqrt 3 sqrt 2).
  CHECK(like_branded.score(one) == Approx(2 / (std::sqrt(3.0) * std::sqrt(2.0))));
}

TEST_CASE("a likeness is read against each shard's own symbols") {
  symbol_table home;
  auto user = viewer_of({{"i1", "shoes"}, {"i2", "hats"}}, home, "acme");
  auto query = likeness_of(user, home);

  // Another shard interned other names first: its symbols differ.
  symbol_table away;
  away.intern("unrelated");
  auto twin = viewer_of({{"i2", "hats"}, {"i7", "socks"}}, away);
  auto same = viewer_of({{"i1", "shoes"}, {"i2", "hats"}}, away, "acme");
  REQUIRE(away.find("shoes") != home.find("shoes"));
  likeness_scorer scorer(query, away);
  CHECK(scorer.score(same) == Approx(1.0));
  CHECK(scorer.score(twin) > 0);
  CHECK(scorer.score(twin) < 1);
  // Names the shard learns after the scorer was made count for nothing.
  auto later = viewer_of({{"i8", "scarves"}}, away);
  CHECK(scorer.score(later) == 0);
}

TEST_CASE("a query whose names the shard has never seen is hopeless, and scores every profile 0") {
  symbol_table home, away;
  auto user = viewer_of({{"i1", "shoes"}}, home, "acme");
  auto stranger = viewer_of({{"i5", "hats"}}, away);
  likeness_scorer scorer(likeness_of(user, home), away);
  CHECK(scorer.hopeless());
  CHECK(scorer.score(stranger) == 0);

  // One known name is hope enough.
  away.intern("acme");
  CHECK_FALSE(likeness_scorer(likeness_of(user, home), away).hopeless());
  // An empty likeness (a user without events) is hopeless everywhere.
  likeness_scorer empty(user_likeness{}, home);
  CHECK(empty.hopeless());
  CHECK(empty.score(user) == 0);
}
