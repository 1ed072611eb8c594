// model_fixture: builds small item models by hand for the recommender
// tests: named items, categories and brands, and signals with context.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model/item_model_builder.hpp"
#include "core/model/recommender.hpp"
#include "test_util.hpp"

namespace persona::test {

struct model_fixture {
  std::shared_ptr<name_index> items = std::make_shared<name_index>();
  std::shared_ptr<name_index> categories = std::make_shared<name_index>();
  std::shared_ptr<name_index> brands = std::make_shared<name_index>();
  item_model_config cfg = plain_config();
  std::unique_ptr<item_model_builder> builder;
  model_batch batch;

  model_fixture() { reset(); }

  /// Defaults without shrink or decay, so scores are easy to compute by hand.
  static item_model_config plain_config() {
    item_model_config c;
    c.similarity_shrink = 0;
    c.cooccurrence_half_life_days = 0;
    c.factors = 0;
    return c;
  }

  void reset() { builder = std::make_unique<item_model_builder>(cfg, items, categories, brands); }

  uint32_t item(const std::string& name) { return items->intern(name); }
  uint32_t category(const std::string& name) { return categories->intern(name); }

  /// An interaction with `name` at `ts`, after `context` (newest first).
  void touch(const std::string& name, int64_t ts, std::vector<std::string> context = {},
             std::vector<std::string> cats = {}, float weight = 1) {
    item_signal s;
    s.item = item(name);
    s.ts_ms = ts;
    s.weight = weight;
    for (auto& c : cats)
      s.categories[s.category_count++] = category(c);
    for (auto& c : context)
      s.context[s.context_count++] = item(c);
    batch.signals.push_back(s);
  }

  std::shared_ptr<const item_model> publish() {
    builder->add(batch);
    batch = model_batch{};
    return builder->publish(true, 0);
  }

  user_taste taste(std::vector<std::string> recent, std::vector<std::pair<std::string, float>> cats = {}) {
    user_taste t;
    t.known = true;
    for (auto& r : recent)
      t.recent.push_back({item(r), t0});
    for (auto& [c, share] : cats)
      t.categories.emplace_back(category(c), share);
    return t;
  }

  std::vector<std::string> names(const recommendation& r) {
    std::vector<std::string> out;
    for (auto& i : r.items)
      out.push_back(items->name(i.item));
    return out;
  }
};

}  // namespace persona::test
