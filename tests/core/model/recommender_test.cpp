// The recommendation strategies on small hand-made histories with known
// answers: popular, item_cf, content, mf, auto and its cold start;
// exclude_seen and the category filter; reasons name what they say.
#include <catch2/catch.hpp>

#include "core/model/recommender.hpp"
#include "model_fixture.hpp"

using namespace persona;
using namespace persona::test;

namespace {

recommend_request ask(rec_strategy s, size_t k = 10, bool exclude_seen = true) {
  recommend_request r;
  r.strategy = s;
  r.k = k;
  r.exclude_seen = exclude_seen;
  return r;
}

/// A small shop: shoes go with socks, laces with shoes; a popular bag.
model_fixture shop() {
  model_fixture f;
  for (int i = 0; i < 5; ++i)
    f.touch("bag", t0 + i, {}, {"bags"});
  for (int i = 0; i < 3; ++i) {
    f.touch("shoes", t0 + 10 + i, {}, {"footwear"});
    f.touch("socks", t0 + 20 + i, {"shoes"}, {"footwear"});
  }
  f.touch("laces", t0 + 30, {"shoes"}, {"footwear"});
  return f;
}

}  // namespace

TEST_CASE("popular: the most popular items first, overall or in the asked category") {
  auto f = shop();
  auto m = f.publish();
  auto r = recommend(*m, f.taste({}), ask(rec_strategy::popular, 2), f.cfg);
  CHECK(r.strategy == rec_strategy::popular);
  CHECK(f.names(r) == std::vector<std::string>{"bag", "shoes"});
  CHECK(r.items[0].reason == "popular this week");
  auto in = ask(rec_strategy::popular, 10);
  in.category = f.category("footwear");
  auto r2 = recommend(*m, f.taste({}), in, f.cfg);
  CHECK(f.names(r2) == std::vector<std::string>{"shoes", "socks", "laces"});
  CHECK(r2.items[0].reason == "popular in footwear this week");
}

TEST_CASE("item_cf: neighbours of the user's recent items, the newer item weighing more") {
  auto f = shop();
  auto m = f.publish();
  auto r = recommend(*m, f.taste({"shoes"}), ask(rec_strategy::item_cf), f.cfg);
  // socks co-occur with shoes three times, laces once.
  CHECK(f.names(r) == std::vector<std::string>{"socks", "laces"});
  CHECK(r.items[0].reason == "often chosen with shoes");
  CHECK(r.items[0].score > r.items[1].score);
}

TEST_CASE("exclude_seen leaves out what the user touched, false keeps it") {
  auto f = shop();
  auto m = f.publish();
  auto seen = recommend(*m, f.taste({"socks", "shoes"}), ask(rec_strategy::item_cf), f.cfg);
  for (auto& name : f.names(seen)) {
    CHECK(name != "socks");
    CHECK(name != "shoes");
  }
  auto all = recommend(*m, f.taste({"socks", "shoes"}), ask(rec_strategy::item_cf, 10, false), f.cfg);
  auto names = f.names(all);
  CHECK(std::find(names.begin(), names.end(), "shoes") != names.end());
  auto popular = recommend(*m, f.taste({"bag"}), ask(rec_strategy::popular, 1), f.cfg);
  CHECK(f.names(popular) == std::vector<std::string>{"shoes"});
}

TEST_CASE("content: the user's category affinity times popularity") {
  auto f = shop();
  auto m = f.publish();
  auto r =
      recommend(*m, f.taste({}, {{"footwear", 0.9f}, {"bags", 0.1f}}), ask(rec_strategy::content, 2), f.cfg);
  // shoes: 0.9 * 3; bag: 0.1 * 5; socks: 0.9 * 3 (ties by id: shoes first).
  CHECK(f.names(r) == std::vector<std::string>{"shoes", "socks"});
  CHECK(r.items[0].reason == "popular in footwear, which you like");
}

TEST_CASE("auto: a user without history gets content, or popular without affinities (cold start)") {
  auto f = shop();
  auto m = f.publish();
  user_taste unknown;
  auto cold = recommend(*m, unknown, ask(rec_strategy::automatic, 3), f.cfg);
  CHECK(cold.strategy == rec_strategy::popular);
  CHECK(f.names(cold) == std::vector<std::string>{"bag", "shoes", "socks"});
  auto warm = recommend(*m, f.taste({}, {{"footwear", 1.0f}}), ask(rec_strategy::automatic, 2), f.cfg);
  CHECK(warm.strategy == rec_strategy::content);
  auto blended = recommend(*m, f.taste({"shoes"}), ask(rec_strategy::automatic, 2), f.cfg);
  CHECK(blended.strategy == rec_strategy::automatic);
  CHECK(f.names(blended)[0] == "socks");
}

TEST_CASE("mf: BPR factors learn that one context predicts one item, another the other") {
  model_fixture f;
  f.cfg.factors = 8;
  f.cfg.mf_steps_per_signal = 20;
  f.cfg.mf_learning_rate = 0.1f;
  f.reset();
  for (int i = 0; i < 300; ++i) {
    f.touch("tea", t0 + i, {"cup"});
    f.touch("coffee", t0 + i, {"mug"});
  }
  auto m = f.publish();
  REQUIRE(m->factors);
  auto a = recommend(*m, f.taste({"cup"}), ask(rec_strategy::mf, 1), f.cfg);
  auto b = recommend(*m, f.taste({"mug"}), ask(rec_strategy::mf, 1), f.cfg);
  CHECK(f.names(a) == std::vector<std::string>{"tea"});
  CHECK(f.names(b) == std::vector<std::string>{"coffee"});
  CHECK(a.items[0].reason == "users with your taste chose it");
}

TEST_CASE("to_value renders the protocol's recommend answer") {
  auto f = shop();
  auto m = f.publish();
  auto v = to_value(recommend(*m, f.taste({"shoes"}), ask(rec_strategy::item_cf, 1), f.cfg), *m);
  CHECK(v.find("strategy")->as_string() == "item_cf");
  auto& item = v.find("items")->as_array().at(0);
  CHECK(item.find("item")->as_string() == "socks");
  CHECK(item.find("score")->as_double() > 0);
  CHECK(item.find("reason")->as_string() == "often chosen with shoes");
  CHECK(rec_strategy_from_string("auto") == rec_strategy::automatic);
  CHECK_FALSE(rec_strategy_from_string("best"));
}
