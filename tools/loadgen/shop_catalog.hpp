// shop_catalog: the simulated shop's items. Each item has one category, a
// brand belonging to that category, and a price drawn from a log-normal
// distribution whose median depends on the category. Popularity is Zipf
// over a random order of the items, both over the whole shop and within
// each category and brand. Built once from a seed; read-only afterwards,
// so any thread may read it.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/util/value.hpp"
#include "core/util/weighted_sampler.hpp"

namespace persona::loadgen {

struct catalog_options {
  uint32_t items = 50000;
  uint32_t categories = 40;
  /// Brands per category.
  uint32_t brands_per_category = 8;
  /// Zipf exponent of item popularity.
  double zipf_s = 1.0;
  /// Spread (sigma of the log) of prices within a category.
  double price_sigma = 0.5;
};

class shop_catalog {
 public:
  shop_catalog(const catalog_options& o, std::mt19937_64& rng);

  /// An item drawn by popularity over the whole shop.
  uint32_t popular_item(std::mt19937_64& rng) const { return items_by_rank_[overall_.draw(rng)]; }
  /// An item of category `c`, by popularity within it.
  uint32_t item_in_category(uint32_t c, std::mt19937_64& rng) const;
  /// An item of brand `b`, by popularity within it (the brand's category).
  uint32_t item_of_brand(uint32_t b, std::mt19937_64& rng) const;

  uint32_t category_of(uint32_t item) const { return category_[item]; }
  uint32_t brand_of(uint32_t item) const { return brand_[item]; }
  double price_of(uint32_t item) const { return price_[item]; }
  /// The category a brand belongs to.
  uint32_t category_of_brand(uint32_t b) const { return b / opts_.brands_per_category; }
  uint32_t brand_count() const { return opts_.categories * opts_.brands_per_category; }
  const catalog_options& options() const { return opts_; }

  static std::string item_id(uint32_t i) { return "i" + std::to_string(i); }
  static std::string category_name(uint32_t c) { return "c" + std::to_string(c); }
  static std::string brand_name(uint32_t b) { return "b" + std::to_string(b); }

  /// Items [first, first + count) as the params array of `upsert_items`.
  value upsert_params(uint32_t first, uint32_t count) const;

 private:
  struct ranked_items {
    std::vector<uint32_t> items;  // most popular first
    weighted_sampler sampler;
  };

  catalog_options opts_;
  std::vector<uint32_t> category_;
  std::vector<uint32_t> brand_;
  std::vector<double> price_;
  std::vector<uint32_t> items_by_rank_;
  weighted_sampler overall_;
  std::vector<ranked_items> by_category_;
  std::vector<ranked_items> by_brand_;
};

}  // namespace persona::loadgen
