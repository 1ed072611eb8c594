// item_model_builder: decayed popularity, co-occurrence neighbours with a
// normalized, symmetric similarity, bounded counters, versions that share
// what did not change, signals that wait to be learnt, and propensity
// examples replayed.
#include <catch2/catch.hpp>
#include <random>

#include "model_fixture.hpp"

using namespace persona;
using namespace persona::test;

TEST_CASE("popularity decays with event time: a recent interaction outweighs older ones") {
  model_fixture f;
  f.cfg.popularity_half_life_days = 1;
  f.reset();
  // Three touches of "old" two days before one touch of "new": 3/4 < 1.
  for (int i = 0; i < 3; ++i)
    f.touch("old", t0, {}, {"shoes"});
  f.touch("new", t0 + days(2), {}, {"shoes"});
  f.touch("bag", t0 + days(2), {}, {"bags"}, 0.5f);
  auto m = f.publish();
  REQUIRE(m->popular.size() == 3);
  CHECK(m->items->name(m->popular[0]) == "new");
  CHECK(m->popularity_of(f.item("old")) == Approx(0.75));
  CHECK(m->popularity_of(f.item("new")) == Approx(1.0));
  // Per category: only that category's items.
  auto& shoes = m->popular_in.at(f.category("shoes"));
  REQUIRE(shoes.size() == 2);
  CHECK(m->items->name(shoes[0]) == "new");
  CHECK(m->items->name(shoes[1]) == "old");
  CHECK(m->popular_in.at(f.category("bags")).size() == 1);
}

TEST_CASE("co-occurrence: similarity is c_ij / sqrt(n_i n_j), the same both ways") {
  model_fixture f;
  // a-b twice, a-c once (c's context weight 1 for the newest item).
  f.touch("b", t0 + 1, {"a"});
  f.touch("b", t0 + 2, {"a"});
  f.touch("c", t0 + 3, {"a"});
  auto m = f.publish();
  auto a = f.item("a"), b = f.item("b"), c = f.item("c");
  // n_a = 3, n_b = 2, n_c = 1.
  auto* na = m->neighbours_of(a);
  REQUIRE(na);
  REQUIRE(na->size() == 2);
  CHECK((*na)[0].item == b);
  CHECK((*na)[0].score == Approx(2 / std::sqrt(6.0)));
  CHECK((*na)[1].item == c);
  CHECK((*na)[1].score == Approx(1 / std::sqrt(3.0)));
  auto ab = similar_items(*m, a, 10), ba = similar_items(*m, b, 10);
  REQUIRE(ba.size() == 1);
  CHECK(ba[0].item == a);
  CHECK(ba[0].score == Approx(ab[0].score));
  // Unknown or lonely items have no neighbours.
  CHECK(similar_items(*m, f.item("never"), 10).empty());
}

TEST_CASE("context items weigh less the further back they are") {
  model_fixture f;
  f.touch("x", t0, {"newest", "older"});
  auto m = f.publish();
  auto list = similar_items(*m, f.item("x"), 10);
  REQUIRE(list.size() == 2);
  CHECK(m->items->name(list[0].item) == "newest");
  CHECK(list[0].score > list[1].score);
}

TEST_CASE("a frequent pair survives when more neighbours arrive than an item has counters") {
  // Space-saving keeps every pair heavier than total / capacity: here
  // 30 > (30 + 50) / 4. The newcomers' inherited counts do not count.
  model_fixture f;
  f.cfg.neighbour_capacity = 4;
  f.reset();
  for (int i = 0; i < 30; ++i)
    f.touch("hub", t0 + i, {"partner"});
  for (int i = 0; i < 50; ++i)
    f.touch("hub", t0 + 100 + i, {"once" + std::to_string(i)});
  auto m = f.publish();
  auto list = similar_items(*m, f.item("hub"), 10);
  REQUIRE(list.size() <= 4);
  CHECK(m->items->name(list[0].item) == "partner");
  for (size_t i = 1; i < list.size(); ++i)
    CHECK(list[i].score < list[0].score / 4);
}

TEST_CASE("a new version shares the neighbour lists of items nothing touched") {
  model_fixture f;
  f.touch("b", t0, {"a"});
  f.touch("d", t0, {"c"});
  auto first = f.publish();
  f.touch("b", t0 + 1, {"a"});
  auto second = f.publish();
  CHECK(second->version == first->version + 1);
  CHECK(second->neighbours[f.item("c")] == first->neighbours[f.item("c")]);
  CHECK(second->neighbours[f.item("a")] != first->neighbours[f.item("a")]);
}

TEST_CASE("a signal past the budget counts for popularity at once and is learnt later, not skipped") {
  model_fixture f;
  f.touch("b", t0, {"a"});
  f.touch("c", t0 + 1, {"a"});
  f.builder->add(f.batch, 0);
  f.batch = model_batch{};
  CHECK(f.builder->waiting() == 2);
  CHECK(f.builder->changed());
  auto m = f.builder->publish(false, 0);
  CHECK(m->popularity_of(f.item("b")) > 0);
  CHECK(m->neighbours_of(f.item("a")) == nullptr);
  CHECK(m->waiting == 2);
  CHECK(m->learnt == 0);
  // Oldest first, as many as asked.
  CHECK(f.builder->learn(1) == 1);
  CHECK(f.builder->learn(10) == 1);
  CHECK(f.builder->learn(10) == 0);
  CHECK(f.builder->changed());
  m = f.builder->publish(false, 0);
  CHECK(!f.builder->changed());
  CHECK(m->learnt == 2);
  CHECK(m->waiting == 0);
  auto* na = m->neighbours_of(f.item("a"));
  REQUIRE(na);
  CHECK(na->size() == 2);
}

TEST_CASE("past its bound the queue takes no more: a signal then counts for popularity only") {
  model_fixture f;
  f.touch("b", t0, {"a"});
  f.touch("c", t0 + 1, {"a"});
  f.touch("d", t0 + 2, {"a"});
  CHECK(f.builder->add(f.batch, 0, 2) == 1);
  f.batch = model_batch{};
  CHECK(f.builder->waiting() == 2);
  CHECK(f.builder->learn(10) == 2);
  auto m = f.builder->publish(true, 0);
  CHECK(m->signals == 3);
  CHECK(m->learnt == 2);
  CHECK(m->popularity_of(f.item("d")) > 0);
  auto* na = m->neighbours_of(f.item("a"));
  REQUIRE(na);
  CHECK(na->size() == 2);  // b and c; d was not learnt
}

TEST_CASE("the item model replays kept propensity examples: the same examples teach it more") {
  auto learn = [](uint32_t replay_steps) {
    model_fixture f;
    f.cfg.propensity_replay_steps = replay_steps;
    f.reset();
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    for (int i = 0; i < 300; ++i) {
      labelled_example ex;
      ex.x[0] = u(rng);
      ex.label = ex.x[0] > 0 ? 1.0f : 0.0f;
      f.batch.examples.push_back(ex);
    }
    return f.publish();
  };
  auto plain = learn(0);
  auto replayed = learn(3);
  // Examples count once, however often they are replayed.
  CHECK(plain->propensity_examples == 300);
  CHECK(replayed->propensity_examples == 300);
  REQUIRE(plain->propensity);
  REQUIRE(replayed->propensity);
  feature_vector yes{}, no{};
  yes[0] = 1;
  no[0] = -1;
  double plain_gap = plain->propensity->predict(yes) - plain->propensity->predict(no);
  double replayed_gap = replayed->propensity->predict(yes) - replayed->propensity->predict(no);
  CHECK(plain_gap > 0);
  CHECK(replayed_gap > plain_gap + 0.05);
}
