#include "core/model/model_feed.hpp"

#include <chrono>

namespace persona {

model_feed::model_feed(std::shared_ptr<name_index> items, std::shared_ptr<name_index> categories,
                       std::shared_ptr<name_index> brands, const item_model_config& cfg,
                       labeller_options labels, uint64_t seed)
    : items_(std::move(items)),
      categories_(std::move(categories)),
      brands_(std::move(brands)),
      cfg_(cfg),
      labeller_(labels, seed),
      churn_labeller_(churn_labeller_options{cfg.churn_horizon_ms, cfg.churn_census_share,
                                             cfg.churn_census_interval_ms, cfg.churn_capacity},
                      seed) {}

uint32_t model_feed::id_of(std::vector<uint32_t>& cache, name_index& names, symbol s,
                           const symbol_table& symbols) {
  if (s == symbol_table::missing)
    return name_index::npos;
  if (cache.size() <= s)
    cache.resize(std::max<size_t>(s + 1, cache.size() * 2), unmapped);
  if (cache[s] == unmapped)
    cache[s] = names.intern(symbols.name(s));
  return cache[s];
}

void model_feed::observe(uint32_t slot, const profile& p, const event& e, const event_symbols& syms,
                         const symbol_table& symbols) {
  labeller_.observe(slot, e.type, e.ts);
  churn_labeller_.observe(slot, e.type, e.ts);
  float weight = cfg_.weights[static_cast<size_t>(e.type)];
  if (weight <= 0 || syms.item == symbol_table::missing)
    return;
  item_signal s;
  s.item = item_id(syms.item, symbols);
  if (s.item == name_index::npos)
    return;
  s.ts_ms = e.ts;
  s.weight = weight;
  s.brand = brand_id(syms.brand, symbols);
  for (size_t i = 0; i < syms.category_count && s.category_count < item_signal::max_categories; ++i) {
    auto c = category_id(syms.categories[i], symbols);
    if (c != name_index::npos)
      s.categories[s.category_count++] = c;
  }
  // The item just moved to the front of the user's recent items; the ones
  // after it are the user's history before this event.
  for (auto& r : p.recent.items()) {
    if (s.context_count == item_signal::max_context)
      break;
    if (r.item == syms.item)
      continue;
    auto id = item_id(r.item, symbols);
    if (id != name_index::npos)
      s.context[s.context_count++] = id;
  }
  if (batch_.signals.empty())
    batch_.collected_ns = steady_now_ns();
  batch_.signals.push_back(s);
}

void model_feed::replay_history(const profile& p, const symbol_table& symbols) {
  auto& items = p.recent.items();
  if (items.empty())
    return;
  if (batch_.signals.empty())
    batch_.collected_ns = steady_now_ns();
  batch_.replayed = true;
  for (size_t i = items.size(); i-- > 0;) {
    item_signal s;
    s.item = item_id(items[i].item, symbols);
    if (s.item == name_index::npos)
      continue;
    s.ts_ms = int64_t{items[i].ts_s} * 1000;
    s.weight = 1;
    for (size_t j = i + 1; j < items.size() && s.context_count < item_signal::max_context; ++j) {
      auto id = item_id(items[j].item, symbols);
      if (id != name_index::npos)
        s.context[s.context_count++] = id;
    }
    batch_.signals.push_back(s);
  }
}

model_batch model_feed::take() {
  auto& ready = labeller_.ready();
  batch_.examples.insert(batch_.examples.end(), ready.begin(), ready.end());
  ready.clear();
  auto& churned = churn_labeller_.ready();
  batch_.churn_examples.insert(batch_.churn_examples.end(), churned.begin(), churned.end());
  churned.clear();
  if (batch_.collected_ns == 0)
    batch_.collected_ns = steady_now_ns();
  model_batch out = std::move(batch_);
  batch_ = model_batch{};
  return out;
}

user_taste model_feed::taste(const profile* p, const symbol_table& symbols) {
  user_taste t;
  if (!p)
    return t;
  t.known = true;
  t.recent.reserve(p->recent.items().size());
  for (auto& r : p->recent.items()) {
    auto id = item_id(r.item, symbols);
    if (id != name_index::npos)
      t.recent.push_back({id, int64_t{r.ts_s} * 1000});
  }
  for (auto& [s, share] : p->category_affinity.shares()) {
    auto id = category_id(s, symbols);
    if (id != name_index::npos)
      t.categories.emplace_back(id, static_cast<float>(share));
  }
  for (auto& [s, share] : p->brand_affinity.shares()) {
    auto id = brand_id(s, symbols);
    if (id != name_index::npos)
      t.brands.emplace_back(id, static_cast<float>(share));
  }
  return t;
}

}  // namespace persona
