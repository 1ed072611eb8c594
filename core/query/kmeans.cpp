#include "core/query/kmeans.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>

#include "core/util/byte_codec.hpp"

namespace persona {

namespace {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using const_map = Eigen::Map<const row_matrix>;

/// Squared distances of every point to every center: n x k.
Eigen::MatrixXd squared_distances(const const_map& x, const const_map& c) {
  Eigen::MatrixXd d = x.lazyProduct(c.transpose()) * -2.0;
  d.colwise() += x.rowwise().squaredNorm();
  d.rowwise() += c.rowwise().squaredNorm().transpose();
  return d.cwiseMax(0.0);
}

}  // namespace

int cluster_model::nearest(const double* z) const {
  int best = -1;
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < k(); ++c) {
    double s = 0;
    for (size_t j = 0; j < d(); ++j) {
      double diff = z[j] - centroids[c * d() + j];
      s += diff * diff;
    }
    if (s < best_d) {
      best_d = s;
      best = static_cast<int>(c);
    }
  }
  return best;
}

void feature_moments::add(const double* x, size_t d) {
  if (sum.empty()) {
    sum.assign(d, 0.0);
    sumsq.assign(d, 0.0);
  }
  for (size_t j = 0; j < d; ++j) {
    sum[j] += x[j];
    sumsq[j] += x[j] * x[j];
  }
  ++n;
}

void feature_moments::merge(const feature_moments& o) {
  if (o.n == 0)
    return;
  if (sum.empty()) {
    *this = o;
    return;
  }
  n += o.n;
  for (size_t j = 0; j < sum.size(); ++j) {
    sum[j] += o.sum[j];
    sumsq[j] += o.sumsq[j];
  }
}

void feature_moments::standardization(std::vector<double>& mean, std::vector<double>& scale) const {
  mean.assign(sum.size(), 0.0);
  scale.assign(sum.size(), 1.0);
  if (n == 0)
    return;
  for (size_t j = 0; j < sum.size(); ++j) {
    mean[j] = sum[j] / static_cast<double>(n);
    double var = sumsq[j] / static_cast<double>(n) - mean[j] * mean[j];
    double sd = var > 0 ? std::sqrt(var) : 0.0;
    scale[j] = sd > 1e-12 * std::max(1.0, std::abs(mean[j])) ? sd : 1.0;
  }
}

void kmeans_partial::merge(const kmeans_partial& o) {
  if (sums.empty()) {
    *this = o;
    return;
  }
  for (size_t i = 0; i < sums.size() && i < o.sums.size(); ++i)
    sums[i] += o.sums[i];
  for (size_t i = 0; i < counts.size() && i < o.counts.size(); ++i)
    counts[i] += o.counts[i];
  inertia += o.inertia;
}

seed_candidate kmeans_points::draw(const std::vector<double>& centers, uint64_t seed) const {
  seed_candidate out;
  size_t n = size();
  if (n == 0)
    return out;
  std::mt19937_64 rng(seed);
  if (centers.empty()) {
    out.weight = static_cast<double>(n);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    auto i = pick(rng);
    out.point.assign(point(i), point(i) + d_);
    return out;
  }
  const_map x(data_.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d_));
  const_map c(centers.data(), static_cast<Eigen::Index>(centers.size() / d_), static_cast<Eigen::Index>(d_));
  Eigen::VectorXd nearest = squared_distances(x, c).rowwise().minCoeff();
  out.weight = nearest.sum();
  if (!(out.weight > 0))
    return out;  // every point is a center already
  std::uniform_real_distribution<double> u(0.0, out.weight);
  double r = u(rng), acc = 0;
  size_t chosen = n - 1;
  for (size_t i = 0; i < n; ++i) {
    acc += nearest[static_cast<Eigen::Index>(i)];
    if (acc >= r && nearest[static_cast<Eigen::Index>(i)] > 0) {
      chosen = i;
      break;
    }
  }
  out.point.assign(point(chosen), point(chosen) + d_);
  return out;
}

kmeans_partial kmeans_points::step(const std::vector<double>& centers) const {
  size_t k = d_ ? centers.size() / d_ : 0;
  kmeans_partial out;
  out.sums.assign(k * d_, 0.0);
  out.counts.assign(k, 0);
  size_t n = size();
  if (n == 0 || k == 0)
    return out;
  const_map c(centers.data(), static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d_));
  Eigen::RowVectorXd center_norms = c.rowwise().squaredNorm().transpose();
  // In blocks, so the distance matrix stays in cache; allocated once.
  const size_t block = 2048;
  Eigen::MatrixXd dist(static_cast<Eigen::Index>(std::min(block, n)), static_cast<Eigen::Index>(k));
  for (size_t first = 0; first < n; first += block) {
    auto rows = static_cast<Eigen::Index>(std::min(block, n - first));
    const_map xb(data_.data() + first * d_, rows, static_cast<Eigen::Index>(d_));
    auto d = dist.topRows(rows);
    // A coefficient-wise product: d is small, and the blocked GEMM path
    // would allocate (and fault in) a workspace on every call.
    d.noalias() = xb.lazyProduct(c.transpose());
    d *= -2.0;
    d.rowwise() += center_norms;
    d.colwise() += xb.rowwise().squaredNorm();
    for (Eigen::Index i = 0; i < rows; ++i) {
      Eigen::Index best = 0;
      double best_d = d.row(i).minCoeff(&best);
      out.inertia += std::max(0.0, best_d);
      ++out.counts[static_cast<size_t>(best)];
      const double* p = point(first + static_cast<size_t>(i));
      double* s = out.sums.data() + static_cast<size_t>(best) * d_;
      for (size_t j = 0; j < d_; ++j)
        s[j] += p[j];
    }
  }
  return out;
}

size_t pick_candidate(const std::vector<seed_candidate>& candidates, uint64_t seed) {
  double total = 0;
  for (auto& c : candidates)
    if (!c.point.empty())
      total += c.weight;
  if (!(total > 0))
    return SIZE_MAX;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, total);
  double r = u(rng), acc = 0;
  size_t last = SIZE_MAX;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].point.empty() || !(candidates[i].weight > 0))
      continue;
    last = i;
    acc += candidates[i].weight;
    if (acc >= r)
      return i;
  }
  return last;
}

std::vector<double> lloyd_update(const kmeans_partial& p, const std::vector<double>& old, size_t d) {
  std::vector<double> out = old;
  for (size_t c = 0; c < p.counts.size(); ++c) {
    if (p.counts[c] == 0)
      continue;
    for (size_t j = 0; j < d; ++j)
      out[c * d + j] = p.sums[c * d + j] / static_cast<double>(p.counts[c]);
  }
  return out;
}

double largest_move(const std::vector<double>& a, const std::vector<double>& b, size_t d) {
  double worst = 0;
  for (size_t c = 0; d && c < a.size() / d; ++c) {
    double s = 0;
    for (size_t j = 0; j < d; ++j) {
      double diff = a[c * d + j] - b[c * d + j];
      s += diff * diff;
    }
    worst = std::max(worst, std::sqrt(s));
  }
  return worst;
}

void kmeans_training::on_draws(const std::vector<seed_candidate>& candidates) {
  auto pass = static_cast<uint32_t>(centers_.size() / d_);
  auto chosen = pick_candidate(candidates, shard_seed(seed_, pass, UINT32_MAX));
  if (chosen == SIZE_MAX) {
    // No point is farther than zero from the centers: fewer distinct points than k.
    phase_ = centers_.empty() ? phase::done : phase::iterating;
    return;
  }
  auto& p = candidates[chosen].point;
  centers_.insert(centers_.end(), p.begin(), p.end());
  if (centers_.size() / d_ >= k_)
    phase_ = phase::iterating;
}

void kmeans_training::on_step(const kmeans_partial& merged) {
  ++iterations_;
  auto next = lloyd_update(merged, centers_, d_);
  double moved = largest_move(next, centers_, d_);
  centers_ = std::move(next);
  if (moved <= tolerance_ || iterations_ >= max_iter_)
    phase_ = phase::finishing;
}

void kmeans_training::on_final(const kmeans_partial& merged) {
  inertia_ = merged.inertia;
  sizes_ = merged.counts;
  phase_ = phase::done;
}

std::string encode_cluster_model(const cluster_model& m) {
  byte_writer w;
  w.put_varint(m.features.size());
  for (auto& f : m.features)
    w.put_string(f);
  for (auto x : m.mean)
    w.put_f64(x);
  for (auto x : m.scale)
    w.put_f64(x);
  w.put_varint(m.centroids.size());
  for (auto x : m.centroids)
    w.put_f64(x);
  w.put_string(encode_value(m.result));
  return w.take();
}

bool decode_cluster_model(const std::string& bytes, cluster_model& out) {
  byte_reader r(bytes);
  out = cluster_model{};
  uint64_t d = 0, n = 0;
  if (!r.get_varint(d) || d > 64)
    return false;
  out.features.resize(d);
  for (auto& f : out.features)
    if (!r.get_string(f))
      return false;
  out.mean.resize(d);
  out.scale.resize(d);
  for (auto& x : out.mean)
    if (!r.get_f64(x))
      return false;
  for (auto& x : out.scale)
    if (!r.get_f64(x))
      return false;
  if (!r.get_varint(n) || n > r.remaining() / 8 || (d && n % d != 0))
    return false;
  out.centroids.resize(n);
  for (auto& x : out.centroids)
    if (!r.get_f64(x))
      return false;
  std::string encoded;
  if (!r.get_string(encoded) || !decode_value(encoded, out.result))
    return false;
  return r.remaining() == 0;
}

uint64_t shard_seed(uint64_t seed, uint32_t pass, uint32_t shard) {
  // SplitMix64 over the three numbers: well-spread, stable everywhere.
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (1 + pass) + 0xbf58476d1ce4e5b9ull * (1 + shard);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace persona
