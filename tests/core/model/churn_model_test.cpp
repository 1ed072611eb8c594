// The churn model: an online logistic regression over standardized churn
// features, trusted once it has learnt enough, and the shop's purchase gap.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/model/churn_model.hpp"
#include "core/util/xorshift_random.hpp"

using namespace persona;

namespace {

/// Share of (churned, kept) pairs the scores order correctly.
double pairwise_auc(const std::vector<double>& scores, const std::vector<bool>& churned) {
  double right = 0, pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i)
    for (size_t j = 0; j < scores.size(); ++j)
      if (churned[i] && !churned[j]) {
        pairs += 1;
        right += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
      }
  return pairs > 0 ? right / pairs : 0.5;
}

/// A user who churns when long away against their usual gap: feature 1
/// (days since purchase) far above feature 4 (mean gap), plus noise
/// features that say nothing.
churn_example synthetic(xorshift_random& random) {
  churn_example ex;
  double recency = 4 * random.unit();
  double gap = 4 * random.unit();
  ex.x[0] = 1;
  ex.x[1] = static_cast<float>(recency);
  ex.x[4] = static_cast<float>(gap);
  ex.x[8] = static_cast<float>(10 * random.unit());
  ex.x[13] = static_cast<float>(random.unit());
  ex.churned = recency - gap + 0.3 * (random.unit() - 0.5) > 0 ? 1.0f : 0.0f;
  ex.gaps = 4;
  ex.span_days = 40;
  return ex;
}

}  // namespace

TEST_CASE("the churn model learns a separable case online") {
  item_model_config cfg;
  cfg.churn_min_examples = 500;
  churn_model model(cfg);
  xorshift_random random(11);
  CHECK_FALSE(model.scorer().learnt());
  CHECK(model.scorer().predict(synthetic(random).x) == 0.5);
  for (int i = 0; i < 499; ++i)
    model.learn(synthetic(random));
  CHECK_FALSE(model.scorer().learnt());
  for (int i = 0; i < 3000; ++i)
    model.learn(synthetic(random));
  auto scorer = model.scorer();
  CHECK(scorer.learnt());
  CHECK(scorer.examples == 3499);
  std::vector<double> scores;
  std::vector<bool> churned;
  for (int i = 0; i < 1000; ++i) {
    auto ex = synthetic(random);
    scores.push_back(scorer.predict(ex.x));
    churned.push_back(ex.churned > 0.5f);
  }
  CHECK(pairwise_auc(scores, churned) > 0.95);
  // The shop's gap: 40 days over 4 gaps in every example.
  CHECK(scorer.shop_gap_days == Approx(10));
}

TEST_CASE("a churn model built from a saved state predicts as the saved one did") {
  item_model_config cfg;
  churn_model model(cfg);
  xorshift_random random(5);
  for (int i = 0; i < 2000; ++i)
    model.learn(synthetic(random));
  churn_model again(cfg, model.state());
  auto x = synthetic(random).x;
  CHECK(again.scorer().predict(x) == Approx(model.scorer().predict(x)));
  CHECK(again.examples() == 2000);
  CHECK(again.scorer().shop_gap_days == Approx(model.scorer().shop_gap_days));
  // A state of another shape starts afresh rather than read past its end.
  churn_model_state odd;
  odd.weights.resize(3);
  churn_model fresh(cfg, odd);
  CHECK(fresh.examples() == 0);
  CHECK(fresh.scorer().predict(x) == 0.5);
}
