#include "tools/loadgen/shopper.hpp"

#include <algorithm>
#include <cmath>

namespace persona::loadgen {

namespace {

/// Each kind's name and the risk flag it is expected to raise, in kind order.
struct anomaly_names {
  const char* name;
  const char* flag;
};
constexpr anomaly_names kAnomalies[anomaly_kind_count] = {
    {"none", ""},
    {"burst", "burst"},
    {"night_purchases", "night_purchases"},
    {"unusual_amount", "unusual_amount"},
    {"new_devices", "new_device"},
    {"refunds", "refunds"},
};

}  // namespace

const char* to_string(anomaly_kind k) {
  return kAnomalies[static_cast<size_t>(k)].name;
}

const char* expected_flag(anomaly_kind k) {
  return kAnomalies[static_cast<size_t>(k)].flag;
}

shopper shopper::make(const shop_catalog& catalog, double pareto_alpha, std::mt19937_64& rng) {
  shopper s;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // Pareto(alpha, x_m) scaled to mean 1, capped so one user cannot dominate.
  double xm = (pareto_alpha - 1) / pareto_alpha;
  s.activity = std::min(100.0, xm / std::pow(1.0 - unit(rng), 1.0 / pareto_alpha));
  // Favourite categories: popular ones are favoured more often (the
  // category of a popular item), weights from a flat Dirichlet.
  double sum = 0;
  for (size_t k = 0; k < s.categories.size(); ++k) {
    s.categories[k] = catalog.category_of(catalog.popular_item(rng));
    s.category_weights[k] = static_cast<float>(-std::log(1.0 - unit(rng)));
    sum += s.category_weights[k];
  }
  for (auto& w : s.category_weights)
    w = static_cast<float>(w / sum);
  // Favourite brands belong to the first two favourite categories.
  for (size_t k = 0; k < s.brands.size(); ++k)
    s.brands[k] = catalog.brand_of(catalog.item_in_category(s.categories[k], rng));
  // Three in ten shoppers re-buy a staple every 7 to 35 days.
  if (unit(rng) < 0.3) {
    s.staple = catalog.item_in_category(s.categories[0], rng);
    s.cycle_days = static_cast<float>(7 + 28 * unit(rng));
  }
  s.geo = static_cast<uint16_t>(unit(rng) * 50);
  return s;
}

}  // namespace persona::loadgen
