// kmeans: the arithmetic of k-means over points spread across shards
// (docs/segments.md, "Clusters"). Each shard keeps its standardized points
// in a kmeans_points and answers partial results; the coordinator merges
// them exactly:
//
//   moments   per feature n, sum, sum of squares -> exact mean and deviation
//   seeding   k-means++: each shard draws one candidate by D^2 weight from
//             its points and reports its D^2 total; the coordinator picks a
//             shard's candidate with probability proportional to its total,
//             which is an exact D^2 draw over all points
//   Lloyd     each shard assigns its points to the nearest centroid and
//             reports per-cluster sums, counts and inertia; new centroids
//             are sums / counts (an empty cluster keeps its centroid)
//
// Eigen does the distance arithmetic, in the .cpp only. Deterministic for
// a seed. Pure C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/util/value.hpp"

namespace persona {

/// A trained model: features, their standardization, centroids.
struct cluster_model {
  std::vector<std::string> features;
  /// z = (x - mean) / scale, per feature.
  std::vector<double> mean, scale;
  /// k x d, standardized, row-major.
  std::vector<double> centroids;
  /// The train_clusters answer that made it (get_clusters returns it).
  value result;

  size_t d() const { return features.size(); }
  size_t k() const { return d() ? centroids.size() / d() : 0; }
  /// The nearest centroid to standardized `z`.
  int nearest(const double* z) const;
};

/// Per-feature moments of the points that have every feature.
struct feature_moments {
  uint64_t n = 0;
  std::vector<double> sum, sumsq;
  void add(const double* x, size_t d);
  void merge(const feature_moments& o);
  /// Mean and deviation (population); a constant feature gets scale 1.
  void standardization(std::vector<double>& mean, std::vector<double>& scale) const;
};

/// One shard's contribution to a k-means++ draw.
struct seed_candidate {
  /// D^2 total of the shard's points (their count for the first center).
  double weight = 0;
  /// The point drawn (standardized); empty when the shard has none.
  std::vector<double> point;
};

/// A shard's (or any) partial result of one Lloyd step.
struct kmeans_partial {
  std::vector<double> sums;  // k x d
  std::vector<uint64_t> counts;
  double inertia = 0;
  void merge(const kmeans_partial& o);
};

/// Standardized points of one shard for one training.
class kmeans_points {
 public:
  explicit kmeans_points(size_t d = 0) : d_(d) {}
  void add(const double* z) { data_.insert(data_.end(), z, z + d_); }
  size_t size() const { return d_ ? data_.size() / d_ : 0; }
  const double* point(size_t i) const { return data_.data() + i * d_; }

  /// Draws one point by D^2 weight to `centers` (k x d; uniformly when
  /// empty) with a generator seeded by `seed`.
  seed_candidate draw(const std::vector<double>& centers, uint64_t seed) const;
  /// Assigns every point to its nearest center.
  kmeans_partial step(const std::vector<double>& centers) const;

 private:
  size_t d_;
  std::vector<double> data_;
};

/// A seed for one shard in one seeding pass, derived from the user's seed.
uint64_t shard_seed(uint64_t seed, uint32_t pass, uint32_t shard);

/// The index of the candidate a k-means++ pass picks (weights as
/// probabilities), with a generator seeded by `seed`; SIZE_MAX if all are 0.
size_t pick_candidate(const std::vector<seed_candidate>& candidates, uint64_t seed);

/// New centers from a merged partial; a center with no points stays.
std::vector<double> lloyd_update(const kmeans_partial& p, const std::vector<double>& old, size_t d);

/// The largest distance any center moved (standardized units).
double largest_move(const std::vector<double>& a, const std::vector<double>& b, size_t d);

/// The steps of one distributed training, driven by whoever talks to the
/// shards (the coordinator, or a test over local points): ask for what
/// next() says, hand the merged answers back, repeat until done().
class kmeans_training {
 public:
  /// finishing: one more step over the final centers, for exact sizes and
  /// inertia (on_final).
  enum class phase { seeding, iterating, finishing, done };

  kmeans_training(size_t k, size_t d, uint64_t seed, size_t max_iter, double tolerance = 1e-6)
      : k_(k), d_(d), seed_(seed), max_iter_(max_iter), tolerance_(tolerance) {}

  phase next() const { return phase_; }
  /// The centers so far (seeding) or now (iterating), k' x d.
  const std::vector<double>& centers() const { return centers_; }
  /// The seed shard `shard` draws with in the current seeding pass.
  uint64_t draw_seed(uint32_t shard) const {
    return shard_seed(seed_, static_cast<uint32_t>(centers_.size() / d_), shard);
  }

  /// Seeding: every shard's candidate, in shard order.
  void on_draws(const std::vector<seed_candidate>& candidates);
  /// Iterating: the merged partial of every shard's step.
  void on_step(const kmeans_partial& merged);
  /// Finishing: the merged partial of a step over the final centers.
  void on_final(const kmeans_partial& merged);

  size_t iterations() const { return iterations_; }
  /// Inertia and sizes over the final centers (after on_final).
  double inertia() const { return inertia_; }
  const std::vector<uint64_t>& sizes() const { return sizes_; }
  /// Fewer distinct points than k: only this many centers could be seeded.
  size_t seeded() const { return d_ ? centers_.size() / d_ : 0; }

 private:
  size_t k_, d_;
  uint64_t seed_;
  size_t max_iter_;
  double tolerance_;
  phase phase_ = phase::seeding;
  std::vector<double> centers_;
  size_t iterations_ = 0;
  double inertia_ = 0;
  std::vector<uint64_t> sizes_;
};

/// The model as bytes (WAL records, snapshots; docs/formats.md) and back.
std::string encode_cluster_model(const cluster_model& m);
bool decode_cluster_model(const std::string& bytes, cluster_model& out);

}  // namespace persona
