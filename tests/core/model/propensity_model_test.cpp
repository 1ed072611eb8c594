// The propensity model: features standardized by their running moments,
// pairwise products that let it learn what no single feature says, and the
// published scorer answering as the model did when it was taken.
#include <catch2/catch.hpp>
#include <random>

#include "core/model/propensity_model.hpp"

using namespace persona;

namespace {

/// `n` examples whose label is whether x0 and x1 have the same sign: a
/// linear model over them alone cannot do better than chance.
template <class Rng>
std::vector<std::pair<feature_vector, float>> same_sign_examples(size_t n, Rng& rng) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<std::pair<feature_vector, float>> out;
  for (size_t i = 0; i < n; ++i) {
    feature_vector x{};
    x[0] = u(rng);
    x[1] = u(rng);
    out.emplace_back(x, (x[0] > 0) == (x[1] > 0) ? 1.0f : 0.0f);
  }
  return out;
}

double accuracy(const propensity_scorer& s, const std::vector<std::pair<feature_vector, float>>& examples) {
  size_t right = 0;
  for (auto& [x, label] : examples)
    right += (s.predict(x) > 0.5) == (label > 0.5f);
  return static_cast<double>(right) / static_cast<double>(examples.size());
}

propensity_scorer trained(bool pairwise, const std::vector<std::pair<feature_vector, float>>& examples) {
  propensity_model m(pairwise, 0.1, 0);
  for (auto& [x, label] : examples) {
    m.observe(x);
    m.update(x, label);
  }
  return m.scorer();
}

}  // namespace

TEST_CASE("pairwise products let the propensity model learn what no single feature says") {
  std::mt19937_64 rng(11);
  auto train = same_sign_examples(20000, rng);
  auto test = same_sign_examples(2000, rng);
  CHECK(accuracy(trained(true, train), test) > 0.9);
  CHECK(accuracy(trained(false, train), test) < 0.65);
  CHECK(propensity_input_count(false) == propensity_feature_count);
  CHECK(propensity_input_count(true) == propensity_feature_count * (propensity_feature_count + 3) / 2);
}

TEST_CASE("the propensity model standardizes each feature by its running mean and deviation") {
  propensity_model m(false, 0.1, 0);
  std::mt19937_64 rng(5);
  std::normal_distribution<float> far(1000, 50);
  for (int i = 0; i < 20000; ++i) {
    feature_vector x{};
    x[3] = far(rng);  // far from 0, wide: unusable unscaled at this rate
    x[5] = 7;         // never varies
    m.observe(x);
    m.update(x, x[3] > 1000 ? 1.0f : 0.0f);
  }
  auto s = m.scorer();
  CHECK(s.mean[3] == Approx(1000).epsilon(0.01));
  CHECK(s.inv_sd[3] == Approx(1.0 / 50).epsilon(0.05));
  CHECK(s.mean[5] == Approx(7));
  CHECK(s.inv_sd[5] == 0);  // a constant says nothing
  feature_vector high{}, low{};
  high[3] = 1100;
  low[3] = 900;
  CHECK(s.predict(high) > 0.9);
  CHECK(s.predict(low) < 0.1);
  // Standardized inputs: the feature at its mean is 0, one deviation up is 1.
  std::vector<float> in(propensity_input_count(false));
  feature_vector at_mean{};
  at_mean[3] = s.mean[3] + 1.0f / s.inv_sd[3];
  s.inputs(at_mean, in.data());
  CHECK(in[3] == Approx(1.0));
}

TEST_CASE("a published scorer answers as the model did when it was taken, untrained, it says 0.5") {
  propensity_scorer untrained;
  CHECK(untrained.predict(feature_vector{}) == 0.5);

  std::mt19937_64 rng(3);
  auto examples = same_sign_examples(500, rng);
  propensity_model m(true, 0.1, 1e-5);
  for (auto& [x, label] : examples) {
    m.observe(x);
    m.update(x, label);
  }
  auto then = m.scorer();
  feature_vector probe{};
  probe[0] = 0.5f;
  probe[1] = 0.5f;
  double before = then.predict(probe);
  for (int i = 0; i < 50; ++i)
    m.update(probe, 0.0f);  // the model moves on; the scorer does not
  CHECK(then.predict(probe) == before);
  CHECK(m.scorer().predict(probe) < before);
  CHECK(m.steps() == 550);
}
