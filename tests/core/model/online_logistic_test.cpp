#include <catch2/catch.hpp>
#include <random>

#include "core/model/online_logistic.hpp"

using namespace persona;

TEST_CASE("online_logistic converges on separable data") {
  online_logistic lr(2, 0.5, 0);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int i = 0; i < 20000; ++i) {
    float x[2] = {u(rng), u(rng)};
    lr.update(x, x[0] + 0.5f * x[1] > 0.2f ? 1.0f : 0.0f);
  }
  int right = 0;
  for (int i = 0; i < 1000; ++i) {
    float x[2] = {u(rng), u(rng)};
    bool truth = x[0] + 0.5f * x[1] > 0.2f;
    right += (lr.predict(x) > 0.5) == truth;
  }
  CHECK(right >= 980);
  float far_yes[2] = {1, 1}, far_no[2] = {-1, -1};
  CHECK(lr.predict(far_yes) > 0.95);
  CHECK(lr.predict(far_no) < 0.05);
  CHECK(lr.steps() == 20000);
  // The weights point the way of the boundary: w0 about twice w1.
  CHECK(lr.weights()[0] > lr.weights()[1]);
  CHECK(online_logistic::predict({}, far_yes) == 0.5);
}
