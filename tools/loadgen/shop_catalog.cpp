#include "tools/loadgen/shop_catalog.hpp"

#include <algorithm>
#include <cmath>

namespace persona::loadgen {

shop_catalog::shop_catalog(const catalog_options& o, std::mt19937_64& rng) : opts_(o) {
  opts_.items = std::max(1u, opts_.items);
  opts_.categories = std::max(1u, opts_.categories);
  opts_.brands_per_category = std::max(1u, opts_.brands_per_category);
  // Category medians spread from 5 to 500 on a log scale, in a random order.
  std::vector<double> median(opts_.categories);
  for (uint32_t c = 0; c < opts_.categories; ++c)
    median[c] = 5.0 * std::pow(100.0, opts_.categories == 1 ? 0.5 : double(c) / (opts_.categories - 1));
  std::shuffle(median.begin(), median.end(), rng);
  // Some categories are larger than others (Zipf 0.7 over categories).
  weighted_sampler category_size;
  add_zipf(category_size, opts_.categories, 0.7);
  std::normal_distribution<double> noise(0.0, opts_.price_sigma);
  std::uniform_int_distribution<uint32_t> brand_in(0, opts_.brands_per_category - 1);
  for (uint32_t i = 0; i < opts_.items; ++i) {
    uint32_t c = category_size.draw(rng);
    category_.push_back(c);
    brand_.push_back(c * opts_.brands_per_category + brand_in(rng));
    price_.push_back(std::max(0.5, std::round(median[c] * std::exp(noise(rng)) * 100) / 100));
  }
  items_by_rank_.resize(opts_.items);
  for (uint32_t i = 0; i < opts_.items; ++i)
    items_by_rank_[i] = i;
  std::shuffle(items_by_rank_.begin(), items_by_rank_.end(), rng);
  add_zipf(overall_, opts_.items, opts_.zipf_s);
  by_category_.resize(opts_.categories);
  by_brand_.resize(brand_count());
  for (uint32_t item : items_by_rank_) {
    by_category_[category_[item]].items.push_back(item);
    by_brand_[brand_[item]].items.push_back(item);
  }
  for (auto* group : {&by_category_, &by_brand_})
    for (auto& g : *group)
      add_zipf(g.sampler, g.items.size(), opts_.zipf_s);
}

uint32_t shop_catalog::item_in_category(uint32_t c, std::mt19937_64& rng) const {
  auto& g = by_category_[c % by_category_.size()];
  return g.items.empty() ? popular_item(rng) : g.items[g.sampler.draw(rng)];
}

uint32_t shop_catalog::item_of_brand(uint32_t b, std::mt19937_64& rng) const {
  auto& g = by_brand_[b % by_brand_.size()];
  return g.items.empty() ? item_in_category(category_of_brand(b), rng) : g.items[g.sampler.draw(rng)];
}

value shop_catalog::upsert_params(uint32_t first, uint32_t count) const {
  value::array items;
  for (uint32_t i = first; i < first + count && i < opts_.items; ++i) {
    value m{value::map{}};
    m.set("item", value{item_id(i)});
    m.set("category", value{category_name(category_[i])});
    m.set("brand", value{brand_name(brand_[i])});
    m.set("price", value{price_[i]});
    items.push_back(std::move(m));
  }
  return value{value::array{value{std::move(items)}}};
}

}  // namespace persona::loadgen
