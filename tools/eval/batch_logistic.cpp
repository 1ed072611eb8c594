#include "tools/eval/batch_logistic.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace persona::eval {

namespace {

double logistic(double z) {
  return 1.0 / (1.0 + std::exp(-std::max(-35.0, std::min(35.0, z))));
}

}  // namespace

double logistic_fit::predict(const std::vector<double>& x) const {
  size_t n = mean.size();
  double z = weights[n];
  for (size_t i = 0; i < n; ++i)
    z += weights[i] * (sd[i] > 0 ? (x[i] - mean[i]) / sd[i] : 0.0);
  return logistic(z);
}

logistic_fit fit_logistic(const std::vector<std::vector<double>>& x, const std::vector<bool>& labels,
                          double l2) {
  size_t rows = x.size(), n = x[0].size();
  logistic_fit f;
  f.mean.assign(n, 0.0);
  f.sd.assign(n, 0.0);
  for (auto& r : x)
    for (size_t i = 0; i < n; ++i)
      f.mean[i] += r[i] / static_cast<double>(rows);
  for (auto& r : x)
    for (size_t i = 0; i < n; ++i)
      f.sd[i] += (r[i] - f.mean[i]) * (r[i] - f.mean[i]) / static_cast<double>(rows);
  for (auto& s : f.sd)
    s = s > 1e-12 ? std::sqrt(s) : 0.0;
  Eigen::MatrixXd a(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n + 1));
  Eigen::VectorXd y(static_cast<Eigen::Index>(rows));
  for (size_t r = 0; r < rows; ++r) {
    for (size_t i = 0; i < n; ++i)
      a(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(i)) =
          f.sd[i] > 0 ? (x[r][i] - f.mean[i]) / f.sd[i] : 0.0;
    a(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(n)) = 1.0;
    y(static_cast<Eigen::Index>(r)) = labels[r] ? 1.0 : 0.0;
  }
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n + 1));
  Eigen::MatrixXd penalty =
      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(n + 1), static_cast<Eigen::Index>(n + 1)) * l2;
  penalty(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n)) = 0;
  for (int iteration = 0; iteration < 50; ++iteration) {
    Eigen::VectorXd p = (a * w).unaryExpr([](double z) { return logistic(z); });
    Eigen::VectorXd weight = p.unaryExpr([](double q) { return std::max(q * (1 - q), 1e-9); });
    Eigen::VectorXd gradient = a.transpose() * (p - y) + penalty * w;
    Eigen::MatrixXd hessian = a.transpose() * weight.asDiagonal() * a + penalty;
    hessian.diagonal().array() += 1e-9;
    Eigen::VectorXd delta = hessian.ldlt().solve(gradient);
    w -= delta;
    if (delta.norm() < 1e-8)
      break;
  }
  f.weights.assign(w.data(), w.data() + w.size());
  return f;
}

std::vector<double> cross_validated(const std::vector<std::vector<double>>& x,
                                    const std::vector<bool>& labels, size_t folds, uint64_t seed, double l2) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(seed);
  std::shuffle(order.begin(), order.end(), random);
  std::vector<size_t> fold(x.size());
  for (size_t k = 0; k < order.size(); ++k)
    fold[order[k]] = k % folds;
  std::vector<double> out(x.size(), 0.5);
  for (size_t f = 0; f < folds; ++f) {
    std::vector<std::vector<double>> train_x;
    std::vector<bool> train_y;
    for (size_t r = 0; r < x.size(); ++r)
      if (fold[r] != f) {
        train_x.push_back(x[r]);
        train_y.push_back(labels[r]);
      }
    if (train_x.empty())
      continue;
    auto model = fit_logistic(train_x, train_y, l2);
    for (size_t r = 0; r < x.size(); ++r)
      if (fold[r] == f)
        out[r] = model.predict(x[r]);
  }
  return out;
}

}  // namespace persona::eval
