// Distributed k-means: the shard-by-shard training equals a straightforward
// Lloyd implementation on the same points and starting centers, is
// deterministic for a seed, and finds well-separated groups.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/query/kmeans.hpp"

using namespace persona;

namespace {

/// Points around `groups` far-apart centers in 3 dimensions, with raw
/// scales that differ (standardization matters).
std::vector<std::vector<double>> blobs(int per_group, int groups, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<std::vector<double>> out;
  for (int g = 0; g < groups; ++g)
    for (int i = 0; i < per_group; ++i)
      out.push_back(
          {g * 10.0 + noise(rng), 1000.0 * (g % 2) + 50 * noise(rng), 0.01 * g + 0.001 * noise(rng)});
  return out;
}

struct trained {
  std::vector<double> initial, centers;
  std::vector<uint64_t> sizes;
  double inertia = 0;
  size_t iterations = 0;
  std::vector<std::vector<double>> standardized;
};

/// The distributed procedure over `shards` shards holding every shards-th point.
trained train(const std::vector<std::vector<double>>& raw, size_t shards, size_t k, uint64_t seed) {
  size_t d = raw[0].size();
  std::vector<feature_moments> parts(shards);
  for (size_t i = 0; i < raw.size(); ++i)
    parts[i % shards].add(raw[i].data(), d);
  feature_moments all;
  for (auto& p : parts)
    all.merge(p);
  std::vector<double> mean, scale;
  all.standardization(mean, scale);
  trained out;
  std::vector<kmeans_points> points(shards, kmeans_points(d));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::vector<double> z(d);
    for (size_t j = 0; j < d; ++j)
      z[j] = (raw[i][j] - mean[j]) / scale[j];
    points[i % shards].add(z.data());
    out.standardized.push_back(z);
  }
  kmeans_training t(k, d, seed, 100, 1e-9);
  while (t.next() == kmeans_training::phase::seeding) {
    std::vector<seed_candidate> c;
    for (size_t s = 0; s < shards; ++s)
      c.push_back(points[s].draw(t.centers(), t.draw_seed(static_cast<uint32_t>(s))));
    t.on_draws(c);
  }
  out.initial = t.centers();
  while (t.next() != kmeans_training::phase::done) {
    kmeans_partial merged;
    for (auto& p : points)
      merged.merge(p.step(t.centers()));
    if (t.next() == kmeans_training::phase::iterating)
      t.on_step(merged);
    else
      t.on_final(merged);
  }
  out.centers = t.centers();
  out.sizes = t.sizes();
  out.inertia = t.inertia();
  out.iterations = t.iterations();
  return out;
}

/// Plain Lloyd from given centers: loops, no Eigen, no shards.
double reference_lloyd(const std::vector<std::vector<double>>& pts, std::vector<double> centers, size_t d) {
  size_t k = centers.size() / d;
  double inertia = 0;
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<double> sums(k * d, 0.0);
    std::vector<size_t> counts(k, 0);
    inertia = 0;
    for (auto& p : pts) {
      size_t best = 0;
      double best_d = INFINITY;
      for (size_t c = 0; c < k; ++c) {
        double s = 0;
        for (size_t j = 0; j < d; ++j)
          s += (p[j] - centers[c * d + j]) * (p[j] - centers[c * d + j]);
        if (s < best_d) {
          best_d = s;
          best = c;
        }
      }
      inertia += best_d;
      ++counts[best];
      for (size_t j = 0; j < d; ++j)
        sums[best * d + j] += p[j];
    }
    bool moved = false;
    for (size_t c = 0; c < k; ++c)
      for (size_t j = 0; j < d && counts[c]; ++j) {
        double next = sums[c * d + j] / static_cast<double>(counts[c]);
        moved |= std::abs(next - centers[c * d + j]) > 1e-12;
        centers[c * d + j] = next;
      }
    if (!moved)
      break;
  }
  return inertia;
}

}  // namespace

TEST_CASE("distributed k-means matches a straightforward Lloyd run from the same start within 1%") {
  auto raw = blobs(400, 4, 11);
  for (size_t shards : {1u, 2u, 3u}) {
    auto t = train(raw, shards, 4, 7);
    double reference = reference_lloyd(t.standardized, t.initial, 3);
    INFO(shards << " shards");
    CHECK(std::abs(t.inertia - reference) <= 0.01 * reference);
    uint64_t total = 0;
    for (auto n : t.sizes)
      total += n;
    CHECK(total == raw.size());
  }
}

TEST_CASE("k-means is deterministic for a seed and finds well-separated groups") {
  auto raw = blobs(300, 3, 5);
  auto a = train(raw, 2, 3, 42);
  auto b = train(raw, 2, 3, 42);
  CHECK(a.centers == b.centers);
  CHECK(a.inertia == b.inertia);
  // Each group of 300 becomes one cluster.
  auto sizes = a.sizes;
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<uint64_t>{300, 300, 300});
}

TEST_CASE("fewer distinct points than k: training stops with the centers it could seed") {
  std::vector<std::vector<double>> raw(50, {1.0, 2.0});
  raw.resize(100, {5.0, 6.0});
  auto t = train(raw, 2, 5, 1);
  CHECK(t.centers.size() / 2 == 2);
  CHECK(t.inertia == Approx(0.0).margin(1e-9));
}

TEST_CASE("a cluster model round-trips through its encoding") {
  cluster_model m;
  m.features = {"rfm.monetary", "counts.purchase"};
  m.mean = {10, 2};
  m.scale = {5, 1};
  m.centroids = {0, 0, 1, 1, -1, 2};
  m.result = value{value::map{{"k", value{int64_t{3}}}}};
  cluster_model back;
  REQUIRE(decode_cluster_model(encode_cluster_model(m), back));
  CHECK(back.features == m.features);
  CHECK(back.centroids == m.centroids);
  CHECK(back.k() == 3);
  double z[] = {0.9, 1.2};
  CHECK(back.nearest(z) == 1);
}
