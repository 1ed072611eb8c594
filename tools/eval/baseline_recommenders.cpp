#include "tools/eval/baseline_recommenders.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <algorithm>
#include <cmath>

#include "core/util/top_k.hpp"

namespace persona {

namespace {

using sparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;

/// The binary user x item matrix of the histories (repeats count once).
sparse interactions(const std::vector<std::vector<uint32_t>>& histories, uint32_t items) {
  std::vector<Eigen::Triplet<double>> cells;
  for (size_t u = 0; u < histories.size(); ++u)
    for (auto i : histories[u])
      cells.emplace_back(static_cast<int>(u), static_cast<int>(i), 1.0);
  sparse x(static_cast<Eigen::Index>(histories.size()), items);
  x.setFromTriplets(cells.begin(), cells.end(), [](double, double) { return 1.0; });
  return x;
}

Eigen::VectorXd indicator(const std::vector<uint32_t>& history, uint32_t items) {
  Eigen::VectorXd v = Eigen::VectorXd::Zero(items);
  for (auto i : history)
    if (i < items)
      v[i] = 1;
  return v;
}

/// The best `k` of `scores` outside `history`, best first (ties: smaller id).
std::vector<uint32_t> best(const Eigen::VectorXd& scores, const std::vector<uint32_t>& history, size_t k,
                           const std::vector<bool>& eligible) {
  std::vector<bool> seen(static_cast<size_t>(scores.size()), false);
  for (auto i : history)
    if (i < seen.size())
      seen[i] = true;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < scores.size(); ++i)
    if (!seen[i] && eligible[i])
      ids.push_back(i);
  return top_k_ids(std::move(ids), k, [&](uint32_t i) { return scores[i]; });
}

/// Items with at least one training interaction (the others are unknown
/// to every model).
std::vector<bool> known_items(const sparse& x) {
  std::vector<bool> known(static_cast<size_t>(x.cols()), false);
  for (int r = 0; r < x.outerSize(); ++r)
    for (sparse::InnerIterator it(x, r); it; ++it)
      known[static_cast<size_t>(it.col())] = true;
  return known;
}

class popularity final : public baseline_recommender {
 public:
  popularity(const sparse& x) : known_(known_items(x)) {
    counts_ = Eigen::VectorXd::Zero(x.cols());
    for (int r = 0; r < x.outerSize(); ++r)
      for (sparse::InnerIterator it(x, r); it; ++it)
        counts_[it.col()] += 1;
  }
  std::vector<uint32_t> recommend(const std::vector<uint32_t>& history, size_t k) const override {
    return best(counts_, history, k, known_);
  }
  std::string name() const override { return "popularity"; }

 private:
  Eigen::VectorXd counts_;
  std::vector<bool> known_;
};

/// score(j) = sum over history items i of cos(i, j), computed as
/// D^-1/2 X^T X D^-1/2 h without forming the item x item matrix.
class item_knn final : public baseline_recommender {
 public:
  item_knn(sparse x) : x_(std::move(x)), known_(known_items(x_)) {
    inv_sqrt_ = Eigen::VectorXd::Zero(x_.cols());
    Eigen::VectorXd n = Eigen::VectorXd::Zero(x_.cols());
    for (int r = 0; r < x_.outerSize(); ++r)
      for (sparse::InnerIterator it(x_, r); it; ++it)
        n[it.col()] += 1;
    for (Eigen::Index i = 0; i < n.size(); ++i)
      inv_sqrt_[i] = n[i] > 0 ? 1.0 / std::sqrt(n[i]) : 0.0;
  }
  std::vector<uint32_t> recommend(const std::vector<uint32_t>& history, size_t k) const override {
    Eigen::VectorXd h = indicator(history, static_cast<uint32_t>(x_.cols())).cwiseProduct(inv_sqrt_);
    Eigen::VectorXd t = x_ * h;
    Eigen::VectorXd s = (x_.transpose() * t).cwiseProduct(inv_sqrt_);
    return best(s, history, k, known_);
  }
  std::string name() const override { return "itemknn"; }

 private:
  sparse x_;
  std::vector<bool> known_;
  Eigen::VectorXd inv_sqrt_;
};

/// B = I - P diag(1 / diag(P)), P = (X^T X + lambda I)^-1, B's diagonal 0;
/// a user's score for an unseen item j is -(h P)_j / P_jj.
class ease final : public baseline_recommender {
 public:
  ease(sparse x, double lambda) : x_(std::move(x)), known_(known_items(x_)), lambda_(lambda) {
    auto users = x_.rows(), items = x_.cols();
    woodbury_ = users < items;
    if (woodbury_) {
      // P = (I - X^T K^-1 X) / lambda with K = lambda I + X X^T (users x users).
      Eigen::MatrixXd k = Eigen::MatrixXd(x_ * x_.transpose());
      k.diagonal().array() += lambda;
      k_inverse_ = k.llt().solve(Eigen::MatrixXd::Identity(users, users));
      diag_ = Eigen::VectorXd::Zero(items);
      Eigen::SparseMatrix<double, Eigen::ColMajor> by_item = x_;
      for (int j = 0; j < by_item.outerSize(); ++j) {
        double quad = 0;
        for (Eigen::SparseMatrix<double>::InnerIterator a(by_item, j); a; ++a)
          for (Eigen::SparseMatrix<double>::InnerIterator b(by_item, j); b; ++b)
            quad += k_inverse_(a.row(), b.row());
        diag_[j] = (1.0 - quad) / lambda;
      }
    } else {
      Eigen::MatrixXd g = Eigen::MatrixXd(x_.transpose() * x_);
      g.diagonal().array() += lambda;
      p_ = g.llt().solve(Eigen::MatrixXd::Identity(items, items));
      diag_ = p_.diagonal();
    }
  }
  std::vector<uint32_t> recommend(const std::vector<uint32_t>& history, size_t k) const override {
    Eigen::VectorXd h = indicator(history, static_cast<uint32_t>(x_.cols()));
    Eigen::VectorXd hp;
    if (woodbury_) {
      Eigen::VectorXd t = x_ * h;
      Eigen::VectorXd w = k_inverse_ * t;
      hp = (h - x_.transpose() * w) / lambda_;
    } else {
      hp = p_.transpose() * h;
    }
    Eigen::VectorXd s = -hp.cwiseQuotient(diag_);
    return best(s, history, k, known_);
  }
  std::string name() const override { return "ease"; }

 private:
  sparse x_;
  std::vector<bool> known_;
  double lambda_;
  bool woodbury_ = false;
  Eigen::MatrixXd k_inverse_, p_;
  Eigen::VectorXd diag_;
};

}  // namespace

std::unique_ptr<baseline_recommender> fit_popularity(const std::vector<std::vector<uint32_t>>& histories,
                                                     uint32_t items) {
  return std::make_unique<popularity>(interactions(histories, items));
}

std::unique_ptr<baseline_recommender> fit_item_knn(const std::vector<std::vector<uint32_t>>& histories,
                                                   uint32_t items) {
  return std::make_unique<item_knn>(interactions(histories, items));
}

std::unique_ptr<baseline_recommender> fit_ease(const std::vector<std::vector<uint32_t>>& histories,
                                               uint32_t items, double lambda) {
  return std::make_unique<ease>(interactions(histories, items), lambda);
}

}  // namespace persona
