// The item model builder's state saved as sections and loaded into a new
// builder over the same names: the same versions (neighbour lists not
// rebuilt since the last one included), the same next steps, the same
// signals waiting; and states that must not load.
#include <catch2/catch.hpp>
#include <random>

#include "core/model/state_codec.hpp"
#include "model_fixture.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// A builder with co-occurrence, factors, propensity examples and signals
/// waiting, over `f`'s names.
void teach(model_fixture& f) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 400; ++i) {
    auto pick = [&] { return "i" + std::to_string(rng() % 40); };
    f.touch(pick(), t0 + i * 1000, {pick(), pick()}, {"c" + std::to_string(rng() % 3)});
  }
  for (int i = 0; i < 50; ++i) {
    labelled_example ex;
    ex.x[0] = static_cast<float>(i % 7);
    ex.label = i % 2;
    f.batch.examples.push_back(ex);
  }
  for (int i = 0; i < 40; ++i) {
    churn_example ex;
    ex.x[0] = static_cast<float>(i % 5);
    ex.churned = i % 3 == 0 ? 1.0f : 0.0f;
    ex.gaps = 2;
    ex.span_days = 20;
    f.batch.churn_examples.push_back(ex);
  }
  f.builder->add(f.batch, 300);
  f.batch = model_batch{};
  // A version, then a few more pairs: items they touch are rebuilt in the
  // next version, the others keep the lists this one published.
  f.builder->publish(true, 0);
  f.touch("i1", t0 + days(1), {"i2"});
  f.touch("i3", t0 + days(1), {"i4"});
  f.builder->add(f.batch, 2);
  f.batch = model_batch{};
}

/// A new builder over fresh name indexes, loaded from `sections`.
struct loaded {
  model_fixture g;
  status st;
  explicit loaded(const std::vector<model_section>& sections, item_model_config cfg) {
    g.cfg = cfg;
    g.reset();
    st = restore_names(sections, *g.items, *g.categories, *g.brands);
    if (st.ok())
      st = g.builder->load(sections);
  }
};

void check_same(const item_model& a, const item_model& b) {
  CHECK(a.version == b.version);
  CHECK(a.as_of_ms == b.as_of_ms);
  CHECK(a.popularity == b.popularity);
  CHECK(a.popular == b.popular);
  CHECK(a.popular_in == b.popular_in);
  CHECK(a.signals == b.signals);
  CHECK(a.learnt == b.learnt);
  CHECK(a.waiting == b.waiting);
  CHECK(a.propensity_examples == b.propensity_examples);
  CHECK(a.churn_examples == b.churn_examples);
  REQUIRE((a.churn == nullptr) == (b.churn == nullptr));
  if (a.churn) {
    CHECK(a.churn->weights == b.churn->weights);
    CHECK(a.churn->mean == b.churn->mean);
    CHECK(a.churn->shop_gap_days == b.churn->shop_gap_days);
  }
  REQUIRE(a.neighbours.size() == b.neighbours.size());
  for (size_t i = 0; i < a.neighbours.size(); ++i) {
    REQUIRE((a.neighbours[i] == nullptr) == (b.neighbours[i] == nullptr));
    if (!a.neighbours[i])
      continue;
    REQUIRE(a.neighbours[i]->size() == b.neighbours[i]->size());
    for (size_t k = 0; k < a.neighbours[i]->size(); ++k) {
      CHECK((*a.neighbours[i])[k].item == (*b.neighbours[i])[k].item);
      CHECK((*a.neighbours[i])[k].score == (*b.neighbours[i])[k].score);
    }
  }
  REQUIRE((a.factors == nullptr) == (b.factors == nullptr));
  if (a.factors) {
    CHECK(a.factors->target == b.factors->target);
    CHECK(a.factors->context == b.factors->context);
    CHECK(a.factors->bias == b.factors->bias);
  }
  REQUIRE((a.propensity == nullptr) == (b.propensity == nullptr));
  if (a.propensity) {
    CHECK(a.propensity->weights == b.propensity->weights);
    CHECK(a.propensity->mean == b.propensity->mean);
  }
}

}  // namespace

TEST_CASE("a saved builder state loads into a new builder that publishes and goes on learning the same") {
  model_fixture f;
  f.cfg.factors = 8;
  f.cfg.propensity_replay_steps = 2;
  f.reset();
  teach(f);
  REQUIRE(f.builder->waiting() == 100);
  auto sections = f.builder->save();
  loaded l(sections, f.cfg);
  REQUIRE(l.st.ok());
  CHECK(l.g.builder->waiting() == 100);
  CHECK(l.g.builder->learnt() == 302);
  check_same(*f.builder->publish(true, 0), *l.g.builder->publish(true, 0));
  // The same next steps: the waiting signals, then new ones.
  f.builder->learn(100);
  l.g.builder->learn(100);
  f.touch("i1", t0 + days(1), {"i2", "i3"});
  l.g.touch("i1", t0 + days(1), {"i2", "i3"});
  f.publish();
  l.g.publish();
  check_same(*f.builder->publish(true, 0), *l.g.builder->publish(true, 0));
}

TEST_CASE("a damaged or foreign state does not load") {
  model_fixture f;
  f.cfg.factors = 8;
  f.reset();
  teach(f);
  auto sections = f.builder->save();
  SECTION("a section cut short") {
    for (auto& s : sections)
      if (s.kind == section_kind::items)
        s.bytes.resize(s.bytes.size() / 2);
    CHECK(!loaded(sections, f.cfg).st.ok());
  }
  SECTION("a section missing") {
    sections.erase(std::remove_if(sections.begin(), sections.end(),
                                  [](auto& s) { return s.kind == section_kind::factors; }),
                   sections.end());
    CHECK(!loaded(sections, f.cfg).st.ok());
  }
  SECTION("factors of another size than the node's") {
    auto other = f.cfg;
    other.factors = 16;
    CHECK(!loaded(sections, other).st.ok());
  }
  SECTION("names that cannot take their ids: the indexes were not empty") {
    model_fixture g;
    g.item("someone else's first item");
    CHECK(!restore_names(sections, *g.items, *g.categories, *g.brands).ok());
  }
  SECTION("a section of an unknown kind is skipped") {
    sections.push_back({static_cast<section_kind>(200), "whatever a newer node saved"});
    CHECK(loaded(sections, f.cfg).st.ok());
  }
}

TEST_CASE("the state codec reads back what it wrote and refuses counts past its input") {
  state_encoder out;
  std::vector<float> v{1.5f, 2.5f};
  std::string s = "name";
  uint64_t n = 7;
  out(v);
  out(s);
  out(n);
  auto bytes = out.take();
  state_decoder in(bytes);
  std::vector<float> v2;
  std::string s2;
  uint64_t n2 = 0;
  in(v2);
  in(s2);
  in(n2);
  CHECK(in.ok());
  CHECK(v2 == v);
  CHECK(s2 == s);
  CHECK(n2 == 7);
  std::string huge(8, '\xff');
  state_decoder bad(huge);
  std::vector<float> v3;
  bad(v3);
  CHECK(!bad.ok());
  CHECK(v3.empty());
}
